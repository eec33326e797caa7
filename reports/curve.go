package reports

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// curve is a curve drawn across scenarios: the points of a scenario file
// that held idle connections beside its load (results.Curve), one scenario
// per idle count. The report shows it in a section of its own, before its
// points' sections: the models' req/s and CPU per request against the idle
// count, as tables, sentences and two charts.
type curve struct {
	name   string
	slug   string
	points []*scenario // by idle count, ascending
	models []string    // in the report's order
}

// curveCell is one model's numbers at one point of a curve.
type curveCell struct {
	idle      int
	rate, cpu float64 // medians over repetitions
	held      int     // the fewest idle connections that answered, over repetitions
	short     bool    // some repetition held fewer than asked
}

// curves are the report's curves, grouped once (analyze).
func (a *analysis) curves() []*curve { return a.curveList }

// groupCurves groups the scenarios that are points of a curve, in the order
// the curves first appear.
func (a *analysis) groupCurves() []*curve {
	var out []*curve
	byName := map[string]*curve{}
	for _, s := range a.scenarios {
		if s.Curve == nil {
			continue
		}
		c := byName[s.Curve.Of]
		if c == nil {
			c = &curve{name: s.Curve.Of, slug: slugify(s.Curve.Of)}
			byName[s.Curve.Of] = c
			out = append(out, c)
		}
		c.points = append(c.points, s)
	}
	for _, c := range out {
		slices.SortStableFunc(c.points, func(x, y *scenario) int { return x.Curve.Idle - y.Curve.Idle })
		for _, m := range a.models {
			if len(c.line(m)) > 0 {
				c.models = append(c.models, m)
			}
		}
	}
	return out
}

// curveOf is the curve s is the first point of in the report's order, or
// nil: the curve's section goes before that point's.
func (a *analysis) curveOf(s *scenario) *curve {
	if s.Curve == nil {
		return nil
	}
	for _, c := range a.curves() {
		if c.name == s.Curve.Of && a.firstPoint(c) == s {
			return c
		}
	}
	return nil
}

// firstPoint is the curve's point that comes first in the report.
func (a *analysis) firstPoint(c *curve) *scenario {
	for _, s := range a.scenarios {
		if slices.Contains(c.points, s) {
			return s
		}
	}
	return nil
}

// line is model's measured points on the curve, by idle count.
func (c *curve) line(model string) []curveCell {
	var out []curveCell
	for _, s := range c.points {
		for _, t := range s.measured() {
			if t.name != model || t.rate <= 0 {
				continue
			}
			cell := curveCell{idle: s.Curve.Idle, rate: t.rate, cpu: t.cpuPerReq, held: math.MaxInt}
			for _, r := range t.ok {
				if b := r.Background; b != nil {
					cell.held = min(cell.held, b.Answered)
					cell.short = cell.short || b.Answered < b.Asked
				}
			}
			if cell.held == math.MaxInt {
				cell.held = s.Curve.Idle
			}
			out = append(out, cell)
		}
	}
	return out
}

// idles are the curve's idle counts, ascending.
func (c *curve) idles() []int {
	out := make([]int, len(c.points))
	for i, s := range c.points {
		out[i] = s.Curve.Idle
	}
	return out
}

// section writes the curve's section.
func (a *analysis) curveSection(p func(string, ...any), c *curve, charts []Chart) {
	p("\n## %s: the curve\n\n", escape(c.name))
	p("Each column is a point of the curve: the same load while the target held that many idle connections beside it (each opened and answered once before the run). The sections after this one have each point's full tables.\n")
	if fs := c.findings(); len(fs) > 0 {
		p("\n")
		for _, f := range fs {
			p("- %s\n", f)
		}
	}
	p("\n%s", c.table("req/s (median) with N idle connections", func(x curveCell) string { return fmtRate(x.rate) }))
	p("\n%s", c.table("target CPU per request (median) with N idle connections", func(x curveCell) string { return fmtMicros(x.cpu) }))
	for _, ch := range charts {
		p("\n![%s](%s/%s)\n", ch.Title, ChartDir, ch.Name)
	}
}

// table is one number of every model at every idle count; a cell whose
// repetitions held fewer idle connections than asked says how many.
func (c *curve) table(what string, value func(curveCell) string) *table {
	cols := []column{l("model · " + what)}
	for _, n := range c.idles() {
		cols = append(cols, r(fmtInt(int64(n))))
	}
	tb := newTable(cols...)
	for _, m := range c.models {
		row := []string{escape(m)}
		cells := c.line(m)
		for _, n := range c.idles() {
			v := ""
			for _, x := range cells {
				if x.idle == n {
					v = value(x)
					if x.short {
						v += fmt.Sprintf(" ⚠ (held %s)", fmtInt(int64(x.held)))
					}
				}
			}
			row = append(row, v)
		}
		tb.add(row...)
	}
	return tb
}

// Within this change of CPU per request a model's cost is said not to grow
// with the idle connections.
const flatChange = 0.10

// findings say, for each model, how its CPU per request and req/s changed
// from its first point to its last, the steepest first; and before them,
// in one sentence, which model's cost grew the most and which the least
// between the curve's ends.
func (c *curve) findings() []string {
	type change struct {
		model       string
		first, last curveCell
		cpu, rate   float64 // last over first
	}
	var cs []change
	for _, m := range c.models {
		cells := c.line(m)
		if len(cells) < 2 || cells[0].cpu <= 0 {
			continue
		}
		f, l := cells[0], cells[len(cells)-1]
		cs = append(cs, change{model: m, first: f, last: l, cpu: l.cpu / f.cpu, rate: l.rate / f.rate})
	}
	if len(cs) == 0 {
		return nil
	}
	slices.SortStableFunc(cs, func(x, y change) int { return cmp.Compare(y.cpu, x.cpu) })
	var out []string
	// The headline: of the models measured at both ends of the curve, the
	// steepest and the flattest.
	ends := c.idles()
	lo, hi := ends[0], ends[len(ends)-1]
	var full []change
	for _, x := range cs {
		if x.first.idle == lo && x.last.idle == hi {
			full = append(full, x)
		}
	}
	if len(full) >= 2 {
		steep, flat := full[0], full[0]
		for _, x := range full {
			if math.Abs(x.cpu-1) < math.Abs(flat.cpu-1) {
				flat = x
			}
		}
		s := fmt.Sprintf("From %s to %s idle connections, %s's CPU per request grows %s (%s → %s)",
			fmtInt(int64(lo)), fmtInt(int64(hi)), code(steep.model), fmtRatio(steep.cpu), fmtMicros(steep.first.cpu), fmtMicros(steep.last.cpu))
		if flat.model != steep.model {
			if math.Abs(flat.cpu-1) <= flatChange {
				s += fmt.Sprintf("; %s's stays within %s (%s → %s)", code(flat.model), fmtPercent(math.Abs(flat.cpu-1)), fmtMicros(flat.first.cpu), fmtMicros(flat.last.cpu))
			} else {
				s += fmt.Sprintf("; %s's grows the least, %s (%s → %s)", code(flat.model), fmtRatio(flat.cpu), fmtMicros(flat.first.cpu), fmtMicros(flat.last.cpu))
			}
		}
		out = append(out, s+".")
	}
	for _, x := range cs {
		out = append(out, fmt.Sprintf("%s, from %s to %s idle: CPU per request %s → %s (%s), req/s %s → %s (%s).",
			code(x.model), fmtInt(int64(x.first.idle)), fmtInt(int64(x.last.idle)),
			fmtMicros(x.first.cpu), fmtMicros(x.last.cpu), fmtRatio(x.cpu),
			fmtRate(x.first.rate), fmtRate(x.last.rate), fmtRatio(x.rate)))
	}
	return out
}

// curveChart plots value of every model against the idle count, on a log
// axis where 0 idle connections, if measured, is drawn a decade below the
// smallest count's decade.
func (a *analysis) curveChart(c *curve, what, yLabel string, value func(curveCell) float64, format func(float64) string) *figure {
	ticks := c.idleTicks()
	f := &figure{title: c.name + ": " + what + " against idle connections held", yLabel: yLabel, styles: a.style,
		xLabel: "idle connections held beside the load · log scale"}
	if ticks.hasZero {
		f.xLabel += ", 0 drawn a decade below"
	}
	lo, hi := math.Inf(1), 0.0
	for _, m := range c.models {
		var pts plotter.XYs
		for _, x := range c.line(m) {
			v := value(x)
			pts = append(pts, plotter.XY{X: ticks.at(x.idle), Y: v})
			lo, hi = min(lo, v), max(hi, v)
		}
		f.lines = append(f.lines, line{model: m, pts: pts, marks: true})
	}
	idles := c.idles()
	f.x = axis{min: ticks.at(idles[0]) / 1.25, max: ticks.at(idles[len(idles)-1]) * 1.25, log: true, ticks: ticks}
	f.y = axis{min: 0, max: max(hi*1.05, 1e-9), ticks: formatTicks{format}}
	if wantsLog(lo, hi) {
		f.y = axis{min: lo / 1.15, max: hi * 1.15, log: true, ticks: logTicks{format: format}}
		f.yLabel += " · log scale"
	}
	return f
}

// idleTicks label an idle-count log axis at every power of ten, with 0
// (which a log axis cannot hold) drawn at zero, a decade below the
// smallest count's decade, and labelled "0".
type idleTicks struct {
	zero    float64
	hasZero bool
}

// idleTicks are the ticks of the curve's idle axis.
func (c *curve) idleTicks() idleTicks {
	t := idleTicks{zero: 1}
	for _, n := range c.idles() {
		if n == 0 {
			t.hasZero = true
		} else {
			t.zero = math.Pow(10, math.Floor(math.Log10(float64(n)))-1)
			break
		}
	}
	return t
}

// at is where n idle connections are drawn.
func (t idleTicks) at(n int) float64 {
	if n == 0 {
		return t.zero
	}
	return float64(n)
}

func (t idleTicks) Ticks(min, max float64) []plot.Tick {
	var ts []plot.Tick
	if t.hasZero {
		ts = append(ts, plot.Tick{Value: t.zero, Label: "0"})
	}
	for v := t.zero * 10; v <= max; v *= 10 {
		if v >= min {
			ts = append(ts, plot.Tick{Value: v, Label: fmtInt(int64(math.Round(v)))})
		}
	}
	return ts
}
