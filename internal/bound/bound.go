// Package bound computes the most that physics allows a server model under a
// load, and how close a measurement came to it.
//
// A request costs S of CPU and W of waiting. A model holds at most Slots
// requests in service at once (waiting or computing) and computes at most
// CPU of them at once; the machine gives it K cores. With C connections:
//
//	throughput ≤ min(C, Slots) / (S + W)     Little's law: each slot holds a request S+W
//	throughput ≤ min(C, Slots, CPU, K) / S   the CPU work must fit on the cores it can use
//
// A batch of B requests fired at once can finish no sooner than
// ceil(B / min(B, Slots)) rounds of S+W, nor sooner than B·S spread over
// min(B, Slots, CPU, K) cores. The bounds ignore every overhead (parsing,
// syscalls, scheduling), so a real server stays below them; a measurement
// above them by more than Tolerance is a measurement error. Where two limits
// give the same bound, the CPU is named.
package bound

import (
	"fmt"
	"math"
	"time"

	"github.com/corobench/corobench/results"
)

// Tolerance is how far above its bound a measurement may be before it is
// flagged as a measurement error.
const Tolerance = 0.05

// Limits that set a bound.
const (
	LimitCPU         = "cpu"         // the cores the model can use
	LimitWait        = "wait"        // the requests the model can hold at once
	LimitConnections = "connections" // the connections the client opened
	LimitRate        = "rate"        // the arrival rate an open-loop client asked
)

// Work is the mean cost of one request.
type Work struct {
	CPU  time.Duration // CPU work the target must do
	Wait time.Duration // time the target must wait before answering
}

// Model is how much a model can do at once; 0 is "as much as it is asked".
type Model struct {
	Slots int `json:"slots"` // requests in service at once, waiting or computing
	CPU   int `json:"cpu"`   // requests computing at once
}

// Load is what the client asks and what the machine gives.
type Load struct {
	Conns int     // connections the client holds
	Cores int     // cores the target may run on
	Rate  float64 // asked arrival rate (req/s) of an open-loop run; 0 for closed loop
}

// Throughput is the most requests per second the model can answer under l.
// It returns nil when the work is free (no CPU and no wait): then physics
// says nothing useful.
func Throughput(w Work, m Model, l Load) *results.Bound {
	s, total := w.CPU.Seconds(), (w.CPU + w.Wait).Seconds()
	if total <= 0 || l.Conns < 1 {
		return nil
	}
	slots := capAt(m.Slots, l.Conns)
	b := &results.Bound{Throughput: float64(slots) / total, Limit: LimitWait, Parallelism: slots}
	if slots == l.Conns {
		b.Limit = LimitConnections
	}
	if s > 0 {
		cpu := min(slots, capAt(m.CPU, slots), max(l.Cores, 1))
		if x := float64(cpu) / s; x <= b.Throughput {
			b.Throughput, b.Limit = x, LimitCPU
		}
	}
	if l.Rate > 0 && l.Rate < b.Throughput {
		b.Throughput, b.Limit = l.Rate, LimitRate
	}
	return b
}

// Batch is the least time a batch of n requests fired at once can take.
func Batch(w Work, m Model, cores, n int) *results.Bound {
	s, total := w.CPU.Seconds(), (w.CPU + w.Wait).Seconds()
	if total <= 0 || n < 1 {
		return nil
	}
	slots := capAt(m.Slots, n)
	rounds := math.Ceil(float64(n) / float64(slots))
	b := &results.Bound{Makespan: rounds * total, Limit: LimitWait, Parallelism: slots}
	if slots == n {
		b.Limit = LimitConnections
	}
	if s > 0 {
		cpu := min(slots, capAt(m.CPU, slots), max(cores, 1))
		if t := float64(n) * s / float64(cpu); t >= b.Makespan {
			b.Makespan, b.Limit = t, LimitCPU
		}
	}
	b.Throughput = float64(n) / b.Makespan
	return b
}

// Check sets b's efficiency from a measured throughput (or, for a batch, a
// measured makespan) and returns a warning when the measurement beats the
// bound by more than Tolerance, which physics does not allow.
func Check(b *results.Bound, throughput, makespan float64) string {
	if b == nil {
		return ""
	}
	if makespan > 0 && b.Makespan > 0 {
		b.Efficiency = b.Makespan / makespan
	} else if b.Throughput > 0 {
		b.Efficiency = throughput / b.Throughput
	}
	if b.Efficiency > 1+Tolerance {
		return fmt.Sprintf("measurement error: %.0f%% of the bound physics allows (limit %s, parallelism %d); "+
			"the work rate, the clock or the count is wrong", 100*b.Efficiency, b.Limit, b.Parallelism)
	}
	return ""
}

// capAt is n, or limit when n is 0 (unbounded) or above it.
func capAt(n, limit int) int {
	if n <= 0 || n > limit {
		return limit
	}
	return n
}
