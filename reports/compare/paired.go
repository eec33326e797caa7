package compare

import (
	"fmt"
	"math"

	"golang.org/x/perf/benchmath"

	"github.com/corobench/corobench/results"
)

// A/B defaults: the pre-declared plan of an A/B.
const (
	// DefaultPairs is how many A/B pairs are run first.
	DefaultPairs = 10
	// DefaultMaxPairs is the one extension an unclear target gets, in total
	// pairs; after it the verdict is final.
	DefaultMaxPairs = 20
)

// Side is one of the two builds of an A/B.
type Side int

// Sides.
const (
	A Side = iota // the baseline build
	B             // the build under test
)

func (s Side) String() string {
	if s == A {
		return "A"
	}
	return "B"
}

// Step is one run of an A/B: which target, which pair, which build.
type Step struct {
	Key
	Pair int // from 0
	Side Side
}

// Schedule is the order of the runs of pairs [from, to) of keys: pair by
// pair, every key in turn, A first in even pairs and B first in odd ones
// (A B, B A, A B, …). A drift of the machine over time then falls on both
// builds alike, and the two runs of a pair are neighbours in time.
func Schedule(keys []Key, from, to int) []Step {
	var steps []Step
	for p := from; p < to; p++ {
		first, second := A, B
		if p%2 == 1 {
			first, second = B, A
		}
		for _, k := range keys {
			steps = append(steps, Step{k, p, first}, Step{k, p, second})
		}
	}
	return steps
}

// Pair is the two runs of one pair, one per build.
type Pair struct{ A, B *results.Run }

// PairSet is every pair of one target under one scenario.
type PairSet struct {
	Key
	Pairs []Pair
}

// Paired compares B against A from the pairs of each set: for each metric,
// the per-pair ratios B/A, their median with a distribution-free (sign
// test) interval, and a verdict:
//
//   - FAIL: the interval lies wholly on the worse side of 1 and the median
//     is worse than the threshold (WARN for a warn-only metric);
//   - IMPROVED: the interval lies wholly on the better side and the median
//     is better than the threshold;
//   - PASS: the interval rules out a change as bad as the threshold;
//   - WARN, unclear: anything else — the interval straddles the threshold,
//     or the pairs are too few for an interval at all. A warn-only metric
//     is PASS here unless its pairs are too few.
//
// Count metrics fail on any rise of their mean per run, as in Files.
func Paired(sets []PairSet, opts ...Option) *Report {
	c := newConfig(opts)
	rep := &Report{Paired: true, Alpha: c.alpha, Confidence: Confidence, Thresholds: c.thresholds}
	for _, set := range sets {
		for _, m := range results.Metrics() {
			th := c.thresholds[m.Name]
			if th.Off {
				continue
			}
			var av, bv []float64
			for _, p := range set.Pairs {
				a, aok := m.Value(p.A)
				b, bok := m.Value(p.B)
				if aok && bok {
					av, bv = append(av, a), append(bv, b)
				}
			}
			if len(av) == 0 {
				continue
			}
			row := Row{Scenario: set.Scenario, Target: set.Target, Metric: m.Name,
				Base: Summary{N: len(av), Values: av}, Head: Summary{N: len(bv), Values: bv}}
			if m.Count {
				row.Base.Center, row.Head.Center = mean(av), mean(bv)
				judgeCount(&row, th)
			} else {
				pairedRow(&row, m, th, av, bv, c)
			}
			if !silent(row) {
				rep.Rows = append(rep.Rows, row)
			}
		}
	}
	rep.Geomean = geomean(rep.Rows)
	rep.warnTooFew("too few pairs: %d of %d rows could not FAIL, whatever they measured; more pairs can (-pairs)")
	return rep
}

func pairedRow(row *Row, m results.Metric, th Threshold, av, bv []float64, c *config) {
	row.Base.Center, row.Head.Center = median(av), median(bv)
	var ratios []float64
	for i := range av {
		if av[i] > 0 && !math.IsInf(bv[i], 0) {
			ratios = append(ratios, bv[i]/av[i])
		}
	}
	if skipped := len(av) - len(ratios); skipped > 0 {
		row.Notes = append(row.Notes, fmt.Sprintf("%d pairs with A = 0 have no ratio", skipped))
	}
	row.Base.N, row.Head.N = len(ratios), len(ratios)
	row.Change, row.Lo, row.Hi, row.P = math.NaN(), math.Inf(-1), math.Inf(1), math.NaN()
	if len(ratios) == 0 {
		row.Verdict = Warn
		row.TooFew = true
		return
	}
	s := benchmath.AssumeNothing.Summary(benchmath.NewSample(ratios, &benchmath.DefaultThresholds), Confidence)
	row.Change, row.Lo, row.Hi = s.Center-1, s.Lo-1, s.Hi-1
	row.P = signTestP(ratios)
	if math.IsInf(row.Lo, 0) || math.IsInf(row.Hi, 0) {
		row.Verdict = Warn
		row.TooFew = true
		row.Unclear = !th.Warn
		row.Notes = append(row.Notes, fmt.Sprintf("too few pairs (%d) for a %.0f%% interval", len(ratios), Confidence*100))
		return
	}
	g, glo, ghi := row.Change, row.Lo, row.Hi
	if m.Better < 0 {
		g, glo, ghi = -row.Change, -row.Hi, -row.Lo
	}
	switch {
	case ghi < 0 && g < -th.Limit:
		row.Verdict = Fail
		if th.Warn {
			row.Verdict = Warn
			row.Notes = append(row.Notes, fmt.Sprintf("%s worse by more than %s (warn-only)", m.Name, th))
		}
	case glo > 0 && g > th.Limit:
		row.Verdict = Improved
	case glo > -th.Limit || th.Warn:
		// A warn-only metric warns only when it is clearly worse: its
		// unclear rows would be noise in every report.
		row.Verdict = Pass
	default:
		row.Verdict = Warn
		row.Unclear = !th.Warn
		row.Notes = append(row.Notes, fmt.Sprintf("unclear: the interval [%s, %s] reaches past the %s threshold",
			pct(row.Lo), pct(row.Hi), th))
	}
}

// Unclear lists the targets with an unclear row: the ones the pre-declared
// extension runs again.
func (r *Report) Unclear() []Key {
	seen := map[Key]bool{}
	var keys []Key
	for _, row := range r.Rows {
		k := Key{row.Scenario, row.Target}
		if row.Unclear && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	return keys
}

func pct(f float64) string {
	switch {
	case math.IsNaN(f):
		return "?"
	case math.IsInf(f, 1):
		return "+∞"
	case math.IsInf(f, -1):
		return "-∞"
	}
	return fmt.Sprintf("%+.1f%%", f*100)
}
