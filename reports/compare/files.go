package compare

import (
	"fmt"
	"math"

	"github.com/montanaflynn/stats"
	"golang.org/x/perf/benchmath"

	"github.com/corobench/corobench/results"
)

// Key names one target under one scenario.
type Key struct{ Scenario, Target string }

// Files compares the runs of head against those of base: for each scenario
// × target × metric, the medians, the change with a distribution-free
// interval (Moses), the Mann-Whitney U p-value (benchmath, as benchstat)
// and a verdict against the metric's threshold. A metric one side lacks, or
// too few runs to detect any change at alpha, is a WARN row, never a silent
// pass.
func Files(base, head *results.File, opts ...Option) *Report {
	c := newConfig(opts)
	rep := &Report{Alpha: c.alpha, Confidence: Confidence, Thresholds: c.thresholds}
	rep.Warnings = append(rep.Warnings, envWarnings(base.Env, head.Env)...)
	b, h := byKey(base), byKey(head)
	for _, k := range keysOf(base, head) {
		br, hr := b[k], h[k]
		switch {
		case len(br) == 0:
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s / %s: only in head, not compared", k.Scenario, k.Target))
			continue
		case len(hr) == 0:
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s / %s: missing in head", k.Scenario, k.Target))
			rep.Rows = append(rep.Rows, Row{Scenario: k.Scenario, Target: k.Target, Metric: results.MetricFailed,
				Base: Summary{N: len(br)}, Change: math.NaN(), Lo: math.NaN(), Hi: math.NaN(), P: math.NaN(),
				Verdict: Warn, Notes: []string{"no runs in head"}})
			continue
		}
		for _, m := range results.Metrics() {
			th := c.thresholds[m.Name]
			if th.Off {
				continue
			}
			bv, hv := values(m, br), values(m, hr)
			if len(bv) == 0 && len(hv) == 0 {
				continue
			}
			row := Row{Scenario: k.Scenario, Target: k.Target, Metric: m.Name,
				Base: Summary{N: len(bv), Values: bv}, Head: Summary{N: len(hv), Values: hv}}
			switch {
			case len(bv) == 0 || len(hv) == 0:
				side := "base"
				if len(hv) == 0 {
					side = "head"
				}
				row.Change, row.Lo, row.Hi, row.P = math.NaN(), math.NaN(), math.NaN(), math.NaN()
				row.Base.Center, row.Head.Center = center(m, bv), center(m, hv)
				row.Verdict = Warn
				row.Notes = append(row.Notes, fmt.Sprintf("%s has no %s to compare", side, m.Name))
			case m.Count:
				row.Base.Center, row.Head.Center = mean(bv), mean(hv)
				judgeCount(&row, th)
			default:
				unpaired(&row, m, th, bv, hv, c)
			}
			if !silent(row) {
				rep.Rows = append(rep.Rows, row)
			}
		}
	}
	rep.Geomean = geomean(rep.Rows)
	rep.warnTooFew(fmt.Sprintf("too few runs: %%d of %%d rows could not FAIL, whatever they measured; %d runs on each side can", minRuns(c.alpha)))
	return rep
}

// warnTooFew adds a warning when some rows could not have failed for too
// few samples: format takes their count and the count of rows.
func (r *Report) warnTooFew(format string) {
	if n := r.TooFew(); n > 0 {
		r.Warnings = append(r.Warnings, fmt.Sprintf(format, n, len(r.Rows)))
	}
}

// unpaired fills a row of independent samples.
func unpaired(row *Row, m results.Metric, th Threshold, bv, hv []float64, c *config) {
	thr := &benchmath.Thresholds{CompareAlpha: c.alpha}
	bs, hs := benchmath.NewSample(bv, thr), benchmath.NewSample(hv, thr)
	row.Base.Center = benchmath.AssumeNothing.Summary(bs, Confidence).Center
	row.Head.Center = benchmath.AssumeNothing.Summary(hs, Confidence).Center
	row.Change = math.NaN()
	if row.Base.Center != 0 {
		row.Change = row.Head.Center/row.Base.Center - 1
	}
	row.Lo, row.Hi = changeInterval(bv, hv, Confidence)
	cmp := benchmath.AssumeNothing.Compare(bs, hs)
	row.P = cmp.P
	if minP := minUTestP(len(bv), len(hv)); minP > c.alpha {
		row.Verdict = Warn
		row.TooFew = true
		row.Notes = append(row.Notes, fmt.Sprintf(
			"too few runs (%d+%d): no difference can be significant at α=%.2g; %d runs on each side can be", len(bv), len(hv), c.alpha, minRuns(c.alpha)))
		return
	}
	row.Verdict = judge(th, row.P < c.alpha, gain(m.Better, row.Change))
	if row.Verdict == Warn {
		row.Notes = append(row.Notes, fmt.Sprintf("%s worse by more than %s (warn-only)", m.Name, th))
	}
}

// silent is a row not worth a line: no failed runs on either side.
func silent(row Row) bool {
	return row.Metric == results.MetricFailed && row.Base.Center == 0 && row.Head.Center == 0 && row.Verdict == Pass
}

func values(m results.Metric, runs []*results.Run) []float64 {
	var vs []float64
	for _, r := range runs {
		if v, ok := m.Value(r); ok {
			vs = append(vs, v)
		}
	}
	return vs
}

func center(m results.Metric, vs []float64) float64 {
	if m.Count {
		return mean(vs)
	}
	return median(vs)
}

func byKey(f *results.File) map[Key][]*results.Run {
	out := map[Key][]*results.Run{}
	for _, s := range f.Scenarios {
		for i := range s.Runs {
			k := Key{s.Name, s.Runs[i].Target}
			out[k] = append(out[k], &s.Runs[i])
		}
	}
	return out
}

// keysOf lists every scenario × target of the files, in order of first
// appearance, base first.
func keysOf(files ...*results.File) []Key {
	seen := map[Key]bool{}
	var keys []Key
	for _, f := range files {
		for _, s := range f.Scenarios {
			for _, r := range s.Runs {
				k := Key{s.Name, r.Target}
				if !seen[k] {
					seen[k] = true
					keys = append(keys, k)
				}
			}
		}
	}
	return keys
}

func envWarnings(b, h results.Env) []string {
	var w []string
	if b.CPU != h.CPU || b.Cores != h.Cores {
		w = append(w, fmt.Sprintf("measured on different machines: base %q × %d cores, head %q × %d cores", b.CPU, b.Cores, h.CPU, h.Cores))
	}
	if b.CPURate > 0 && h.CPURate > 0 && math.Abs(h.CPURate/b.CPURate-1) > 0.05 {
		w = append(w, fmt.Sprintf("the calibrated work rate differs (%.0f vs %.0f units/µs): CPU-bound requests did different work", b.CPURate, h.CPURate))
	}
	return w
}

// geomean adds one row per metric: the geometric means of the centres of
// every row of that metric where both are positive, and of their changes.
func geomean(rows []Row) []Row {
	var out []Row
	for _, m := range results.Metrics() {
		if m.Count {
			continue
		}
		var base, head, ratio []float64
		for _, r := range rows {
			if r.Metric != m.Name || !(r.Base.Center > 0) || !(r.Head.Center > 0) || !(r.Change > -1) {
				continue
			}
			base, head, ratio = append(base, r.Base.Center), append(head, r.Head.Center), append(ratio, 1+r.Change)
		}
		if len(base) == 0 {
			continue
		}
		// Every value is positive, so none of these fails.
		gb, _ := stats.GeometricMean(base)
		gh, _ := stats.GeometricMean(head)
		gr, _ := stats.GeometricMean(ratio)
		out = append(out, Row{Scenario: "geomean", Metric: m.Name,
			Base: Summary{Center: gb, N: len(base)}, Head: Summary{Center: gh, N: len(head)},
			Change: gr - 1, Lo: math.NaN(), Hi: math.NaN(), P: math.NaN()})
	}
	return out
}
