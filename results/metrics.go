package results

import (
	"fmt"
	"math"
	"strings"
)

// Metric is one named number a Run yields, with the direction that is
// better. Reports, verdicts and the Go benchmark format all read a Run
// through these, so a metric is defined once.
type Metric struct {
	// Name is what tables, flags and threshold files call it ("req/s").
	Name string
	// Unit is its unit in the Go benchmark format, in base units (seconds,
	// bytes) so that benchstat scales it; "" keeps it out of that format.
	Unit string
	// Better is +1 when a higher value is better, -1 when a lower one is.
	Better int
	// Count marks a count of failures (errors, failed runs): compared by
	// its mean per run, where any increase is a regression by default.
	Count bool
	// Value returns the metric of r in Unit's base unit; ok is false when r
	// does not have it (a batch run has no req/s, a run without resource
	// samples no CPU time).
	Value func(r *Run) (v float64, ok bool)
}

// Metric names.
const (
	MetricThroughput = "req/s"
	MetricCPU        = "cpu/req"
	MetricP99        = "p99"
	MetricErrors     = "errors"
	MetricMakespan   = "makespan"
	MetricIdle       = "idle-mem"
	MetricFailed     = "failed"
)

// Metrics lists every metric a Run can yield, in the order reports show them.
func Metrics() []Metric {
	return []Metric{
		{Name: MetricThroughput, Unit: "req/s", Better: +1, Value: throughput},
		{Name: MetricCPU, Unit: "cpu-sec/req", Better: -1, Value: cpuPerRequest},
		{Name: MetricP99, Unit: "p99-sec", Better: -1, Value: p99},
		{Name: MetricErrors, Unit: "errors", Better: -1, Count: true, Value: errorCount},
		{Name: MetricMakespan, Unit: "makespan-sec", Better: -1, Value: makespan},
		{Name: MetricIdle, Unit: "idle-B/conn", Better: -1, Value: idlePerConn},
		{Name: MetricFailed, Better: -1, Count: true, Value: failed},
	}
}

// LookupMetric returns the metric called name.
func LookupMetric(name string) (Metric, bool) {
	for _, m := range Metrics() {
		if m.Name == name {
			return m, true
		}
	}
	return Metric{}, false
}

func throughput(r *Run) (float64, bool) {
	if r.Load == nil || r.Load.Mode == ModeBatch || r.Load.Elapsed <= 0 {
		return 0, false
	}
	return r.Load.Throughput(), true
}

func cpuPerRequest(r *Run) (float64, bool) {
	if r.Load == nil || r.Resources == nil || r.Load.Requests == 0 {
		return 0, false
	}
	return r.Resources.CPUPerRequest(r.Load.Requests) / 1e6, true
}

func p99(r *Run) (float64, bool) {
	if r.Load == nil || r.Load.Latency == nil || r.Load.Latency.Histogram == nil || r.Load.Latency.TotalCount() == 0 {
		return 0, false
	}
	return r.Load.Latency.Quantile(0.99).Seconds(), true
}

func errorCount(r *Run) (float64, bool) {
	if r.Load == nil {
		return 0, false
	}
	return float64(r.Load.ErrorCount()), true
}

func makespan(r *Run) (float64, bool) {
	if r.Load == nil || r.Load.Makespan <= 0 {
		return 0, false
	}
	return r.Load.Makespan, true
}

func idlePerConn(r *Run) (float64, bool) {
	if r.Idle == nil || r.Idle.Conns == 0 {
		return 0, false
	}
	return r.Idle.PerConn(), true
}

func failed(r *Run) (float64, bool) {
	if r.Error != "" {
		return 1, true
	}
	return 0, true
}

// Format writes v, in the metric's base unit, in its natural unit with
// three significant digits: 12.3ms, 3.88KiB, 4.5k, and a count as it is.
func (m Metric) Format(v float64) string {
	switch {
	case m.Count:
		return fmt.Sprintf("%.3g", v)
	case strings.Contains(m.Unit, "sec"):
		return secondsString(v)
	case strings.Contains(m.Unit, "B/"):
		return bytesString(v)
	}
	return siString(v)
}

// secondsString prints a time with three significant digits: 12.3ms.
func secondsString(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1 || a == 0:
		return fmt.Sprintf("%.3gs", v)
	case a >= 1e-3:
		return fmt.Sprintf("%.3gms", v*1e3)
	case a >= 1e-6:
		return fmt.Sprintf("%.3gµs", v*1e6)
	}
	return fmt.Sprintf("%.3gns", v*1e9)
}

func siString(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e9:
		return fmt.Sprintf("%.3gG", v/1e9)
	case a >= 1e6:
		return fmt.Sprintf("%.3gM", v/1e6)
	case a >= 1e3:
		return fmt.Sprintf("%.3gk", v/1e3)
	}
	return fmt.Sprintf("%.3g", v)
}

func bytesString(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1<<30:
		return fmt.Sprintf("%.3gGiB", v/(1<<30))
	case a >= 1<<20:
		return fmt.Sprintf("%.3gMiB", v/(1<<20))
	case a >= 1<<10:
		return fmt.Sprintf("%.3gKiB", v/(1<<10))
	}
	return fmt.Sprintf("%.3gB", v)
}
