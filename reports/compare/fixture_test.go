package compare

import (
	"time"

	"github.com/corobench/corobench/results"
)

// jitter is a fixed, symmetric ±2% spread, so fixtures look like
// repetitions without any randomness in the tests.
var jitter = []float64{0.99, 1.01, 1.0, 0.98, 1.02, 0.995, 1.005, 0.985, 1.015, 1.0,
	0.99, 1.01, 1.0, 0.98, 1.02, 0.995, 1.005, 0.985, 1.015, 1.0}

// spec describes the runs of one target in a fixture.
type spec struct {
	target string
	reps   int
	rps    float64 // req/s
	p99    time.Duration
	errs   int64   // errors in the first run
	cpuUS  float64 // target CPU µs per request; 0 leaves Resources nil
	scale  float64 // multiplies the jitter's deviation (0 is 1)
}

// mkRun makes one run whose metrics are the spec's times factor f.
func mkRun(s spec, rep int, f float64) results.Run {
	const elapsed = 2.0
	reqs := int64(s.rps * f * elapsed)
	h := results.NewHistogram()
	for range 100 {
		h.Record(time.Duration(float64(s.p99) * f))
	}
	r := results.Run{Target: s.target, Rep: rep,
		Load: &results.Load{Mode: results.ModeClosed, Conns: 50, Elapsed: elapsed, Requests: reqs, Latency: h}}
	if rep == 1 && s.errs > 0 {
		r.Load.Errors = map[string]int64{"reset": s.errs}
	}
	if s.cpuUS > 0 {
		cpu := s.cpuUS * f * float64(reqs) / 1e6
		r.Resources = &results.Resources{User: cpu * 0.8, Sys: cpu * 0.2}
	}
	return r
}

func factor(s spec, i int) float64 {
	scale := s.scale
	if scale == 0 {
		scale = 1
	}
	return 1 + (jitter[i%len(jitter)]-1)*scale
}

// mkFile makes a results file of one scenario with the given targets.
func mkFile(scenario string, specs ...spec) *results.File {
	f := &results.File{Version: results.Version, Env: results.Env{CPU: "Test CPU", Cores: 2, CPURate: 500}}
	s := results.Scenario{Name: scenario}
	for _, sp := range specs {
		for i := range sp.reps {
			s.Runs = append(s.Runs, mkRun(sp, i+1, factor(sp, i)))
		}
	}
	f.Scenarios = []results.Scenario{s}
	return f
}

// mkPairs makes n pairs of a target: A from a, B from b.
func mkPairs(scenario string, a, b spec, n int) PairSet {
	set := PairSet{Key: Key{scenario, a.target}}
	for i := range n {
		ra, rb := mkRun(a, i+1, factor(a, i)), mkRun(b, i+1, factor(b, i+3))
		set.Pairs = append(set.Pairs, Pair{A: &ra, B: &rb})
	}
	return set
}

// rowOf returns the row of metric m for target, or fails the lookup.
func rowOf(r *Report, target, metric string) (Row, bool) {
	for _, row := range r.Rows {
		if row.Target == target && row.Metric == metric {
			return row, true
		}
	}
	return Row{}, false
}
