package compare

import (
	"fmt"
	"io"
	"math"

	"github.com/corobench/corobench/results"
)

// Noise is what an A/A run (the same build on both sides) shows of one
// metric on this machine.
type Noise struct {
	Metric string
	// Rows is how many targets had the metric.
	Rows int
	// Spread is the widest reach of any row's interval from zero: a real
	// change smaller than this cannot be told from noise here.
	Spread float64
	// Worst is the largest |change| of any row's median.
	Worst float64
	// Suggest is a threshold that an A/A passes with room to spare: twice
	// Spread, rounded up to a whole percent, at least 1%. NaN when some row
	// had too few pairs for an interval.
	Suggest float64
}

// NoiseOf summarises an A/A report per metric, in the order of
// results.Metrics; count metrics are left out.
func NoiseOf(r *Report) []Noise {
	var out []Noise
	for _, m := range results.Metrics() {
		if m.Count {
			continue
		}
		n := Noise{Metric: m.Name}
		for _, row := range r.Rows {
			if row.Metric != m.Name {
				continue
			}
			n.Rows++
			n.Spread = math.Max(n.Spread, math.Max(math.Abs(row.Lo), math.Abs(row.Hi)))
			if !math.IsNaN(row.Change) {
				n.Worst = math.Max(n.Worst, math.Abs(row.Change))
			}
		}
		if n.Rows == 0 {
			continue
		}
		n.Suggest = math.NaN()
		if !math.IsInf(n.Spread, 0) && !math.IsNaN(n.Spread) {
			n.Suggest = math.Max(0.01, math.Ceil(2*n.Spread*100-1e-9)/100)
		}
		out = append(out, n)
	}
	return out
}

// WriteNoise writes the A/A summary and the suggested thresholds, as flags
// and as a thresholds file, and returns the first write error.
func WriteNoise(w io.Writer, noise []Noise, current Thresholds) error {
	ew := &errWriter{w: w}
	ew.printf("\nA/A: the same build on both sides measures this machine's noise.\n")
	ew.printf("%-10s %8s %10s %10s %10s\n", "metric", "targets", "spread", "worst", "suggest")
	for _, n := range noise {
		ew.printf("%-10s %8d %10s %10s %10s\n", n.Metric, n.Rows, pctAbs(n.Spread), pctAbs(n.Worst), pctAbs(n.Suggest))
	}
	ew.printf("\nspread: the widest %s interval of any target; suggest: twice that, rounded up.\n", "95%")
	ew.printf("Suggested thresholds file (corobench compare/ab -thresholds FILE):\n\n")
	for _, n := range noise {
		if math.IsNaN(n.Suggest) {
			ew.printf("# %s: too few pairs to suggest a threshold\n", n.Metric)
			continue
		}
		th := current[n.Metric]
		th.Limit = n.Suggest
		ew.printf("%s: %s\n", n.Metric, th)
	}
	return ew.err
}

func pctAbs(f float64) string {
	switch {
	case math.IsNaN(f):
		return "?"
	case math.IsInf(f, 0):
		return "∞"
	}
	return fmt.Sprintf("%.1f%%", f*100)
}
