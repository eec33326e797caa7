// Package work is the CPU work every target does for /cpu and /mix, written
// once so that the concurrency model is the only thing that differs.
//
// A unit of work is one step of Marsaglia's 32-bit xorshift generator: a chain
// of dependent integer operations that no compiler can skip or vectorise, and
// that any language can repeat exactly. The final state is the checksum, so a
// client can verify that the work was done. A Rate, calibrated on the machine
// at hand, turns microseconds into units.
package work

import (
	"math"
	"runtime"
	"time"
)

// Seed is the generator's starting state.
const Seed uint32 = 2463534242

// Spin does units of work and returns their checksum.
func Spin(units uint64) uint32 {
	x := Seed
	for range units {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
	}
	return x
}

// Rate is how many units of work this machine does in one microsecond.
type Rate float64

// Units is how many units of work take us microseconds at this rate.
func (r Rate) Units(us int64) uint64 {
	return uint64(math.Round(float64(r) * float64(us)))
}

// DefaultCalibration is how long Calibrate measures by default.
const DefaultCalibration = 60 * time.Millisecond

// Calibrate measures the rate of this machine. It times short, equal slices of
// work and keeps the fastest, so that a slice interrupted by another process
// does not lower the rate: the rate is what the CPU does when it is not
// disturbed, and a model's stalls then show as what they are.
func Calibrate(total time.Duration) Rate {
	const slice = 1 << 18 // units: about a quarter of a millisecond
	sum := Spin(slice)    // warm up
	best := time.Duration(math.MaxInt64)
	deadline := time.Now().Add(total)
	for trials := 0; trials < 5 || time.Now().Before(deadline); trials++ {
		start := time.Now()
		sum ^= Spin(slice)
		if d := time.Since(start); d > 0 && d < best {
			best = d
		}
	}
	runtime.KeepAlive(sum) // the work must not be optimised away
	return Rate(slice / (float64(best) / float64(time.Microsecond)))
}
