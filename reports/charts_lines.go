package reports

import (
	"cmp"
	"math"
	"slices"
	"strconv"

	"github.com/corobench/corobench/results"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// line is one model's line in a line chart.
type line struct {
	model string
	pts   plotter.XYs
	// steps: each point's value holds until the next point's x (a rate
	// over an interval), so the line is drawn as steps.
	steps bool
	// marks: each point is marked, for a line of a few measured points.
	marks bool
}

// Line chart geometry, in points.
const (
	lineWidth   = 1.75
	leaderRoom  = 12 // from the data area to a label's sample line
	sampleWidth = 18 // the label's sample of the line's style
)

// labelMargin is the room right of a line chart for the lines' names:
// each line is named at its right end, outside the data, the names kept in
// the lines' order from top to bottom, pushed apart just enough to be
// read, with a thin leader to the end of their line.
func (f *figure) labelMargin() vg.Length {
	sty := labelStyle()
	margin := vg.Length(0)
	for _, l := range f.lines {
		margin = max(margin, sty.Rectangle(l.model).Max.X)
	}
	return margin + leaderRoom + sampleWidth + 10
}

// linePlot is the line chart's plot.
func (f *figure) linePlot() *plot.Plot {
	p := f.newPlot()
	for _, l := range f.lines {
		ln, err := plotter.NewLine(l.pts)
		if err != nil {
			continue // a NaN or an infinity: leave the line out
		}
		st := f.styles(l.model)
		ln.Color, ln.Width, ln.Dashes = st.colour, lineWidth, st.dashes
		if l.steps {
			ln.StepStyle = plotter.PostStep
		}
		p.Add(ln)
		if l.marks {
			if sc, err := plotter.NewScatter(l.pts); err == nil {
				sc.GlyphStyle = draw.GlyphStyle{Color: st.colour, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}
				p.Add(sc)
			}
		}
	}
	f.setRanges(p) // adding lines widened them to the data
	return p
}

// drawEndLabels names each line right of dc, the data area of p on c.
func (f *figure) drawEndLabels(c, dc draw.Canvas, p *plot.Plot) {
	sty := labelStyle()
	trX, trY := p.Transforms(&dc)
	type end struct {
		i        int
		x, y, at vg.Length // the line's end; where its label goes
	}
	var ends []end
	for i, l := range f.lines {
		if len(l.pts) == 0 {
			continue
		}
		last := l.pts[len(l.pts)-1]
		x := min(max(trX(last.X), dc.Min.X), dc.Max.X)
		y := min(max(trY(last.Y), dc.Min.Y), dc.Max.Y)
		ends = append(ends, end{i: i, x: x, y: y, at: y})
	}
	slices.SortStableFunc(ends, func(a, b end) int { return cmp.Compare(b.y, a.y) })
	h := sty.FontExtents().Height + 1
	lo, hi := c.Min.Y+h/2, c.Max.Y-h/2
	for k := range ends {
		ends[k].at = min(ends[k].at, hi)
		if k > 0 {
			ends[k].at = min(ends[k].at, ends[k-1].at-h)
		}
	}
	for k := len(ends) - 1; k >= 0 && ends[k].at < lo; k-- {
		ends[k].at = lo
		if k+1 < len(ends) {
			ends[k].at = max(ends[k].at, ends[k+1].at+h)
		}
		if k > 0 && ends[k-1].at < ends[k].at+h {
			ends[k-1].at = ends[k].at + h
		}
	}
	lx := dc.Max.X + leaderRoom
	leader := draw.LineStyle{Color: leaderGrey, Width: vg.Points(0.5)}
	for _, e := range ends {
		l := f.lines[e.i]
		if e.x < dc.Max.X-1 {
			dotted := leader
			dotted.Dashes = []vg.Length{vg.Points(1), vg.Points(2)}
			c.StrokeLine2(dotted, e.x+2, e.y, dc.Max.X, e.y)
		}
		c.StrokeLine2(leader, dc.Max.X+1, e.y, lx, e.at)
		st := f.styles(l.model)
		c.StrokeLine2(draw.LineStyle{Color: st.colour, Width: lineWidth, Dashes: st.dashes}, lx+2, e.at, lx+sampleWidth, e.at)
		c.FillText(sty, vg.Point{X: lx + sampleWidth + 4, Y: e.at}, l.model)
	}
}

// labelStyle is the style of the lines' names.
func labelStyle() text.Style {
	return text.Style{Color: black, Font: sans(9), Handler: plot.DefaultTextHandler, YAlign: draw.YCenter}
}

// spectrumSteps is how many points per decade of 1/(1-p) a latency
// spectrum has.
const spectrumSteps = 12

// latencyChart is the latency percentile spectrum of each model, as
// HdrHistogram plots it: the x axis is 1/(1-p) on a log scale, so 90%,
// 99%, 99.9% … are equally spaced and the tail gets the room it deserves.
// Each line ends at its slowest request, at 1/(1-p) = its count.
func (a *analysis) latencyChart(s *scenario) *figure {
	f := &figure{title: s.Name + ": latency by percentile", xLabel: "percentile", yLabel: "latency", styles: a.style}
	maxX, lo, hi := 10.0, math.Inf(1), 0.0
	for _, t := range s.measured() {
		h := t.latency
		if h == nil || h.TotalCount() == 0 {
			continue
		}
		last := float64(h.TotalCount())
		ms := func(q float64) float64 { return math.Max(float64(h.ValueAtQuantile(q)), 1) / 1000 }
		xs := []float64{}
		for k := 0; math.Pow(10, float64(k)/spectrumSteps) < last; k++ {
			xs = append(xs, math.Pow(10, float64(k)/spectrumSteps))
		}
		if last > 2 {
			xs = append(xs, 2) // the median, as the table has it
			slices.Sort(xs)
		}
		var pts plotter.XYs
		for _, x := range xs {
			pts = append(pts, plotter.XY{X: x, Y: ms(100 * (1 - 1/x))})
		}
		pts = append(pts, plotter.XY{X: last, Y: ms(100)})
		for _, pt := range pts {
			lo, hi = min(lo, pt.Y), max(hi, pt.Y)
		}
		maxX = max(maxX, last)
		f.lines = append(f.lines, line{model: t.name, pts: pts})
	}
	f.x = axis{min: 1, max: maxX, log: true, ticks: percentileTicks{}}
	f.y = axis{min: 0, max: max(hi*1.05, 1e-3), ticks: formatTicks{func(v float64) string { return fmtSeconds(v / 1000) }}}
	if wantsLog(lo, hi) {
		f.y = axis{min: lo / 1.15, max: hi * 1.15, log: true, ticks: latencyTicks{}}
		f.yLabel += " · log scale"
	}
	return f
}

// timelineChart is each model's throughput over the measured time, from
// its median repetition: each interval's requests over the interval's
// length, drawn as a step that lasts the interval, one panel per model.
func (a *analysis) timelineChart(s *scenario) *figure {
	f := &figure{title: s.Name + ": requests per second over time", styles: a.style, panels: true}
	top, end := 0.0, 0.0
	var intervals []float64
	cut := false
	for _, t := range s.measured() {
		l := t.seriesLoad
		if l == nil || len(l.Series) < 2 {
			continue
		}
		pts, short := timeline(l)
		cut = cut || short
		if len(pts) < 2 {
			continue
		}
		for _, pt := range pts {
			top = max(top, pt.Y)
		}
		end = max(end, pts[len(pts)-1].X)
		if iv := l.SeriesInterval(); !slices.Contains(intervals, iv) {
			intervals = append(intervals, iv)
		}
		f.lines = append(f.lines, line{model: t.name, pts: pts, steps: true})
	}
	slices.Sort(intervals)
	f.xLabel = "seconds of the measured run (median repetition)"
	if len(intervals) > 0 {
		f.xLabel += ", in intervals of " + tickLabel(fmtSeconds(intervals[0]))
		if len(intervals) > 1 {
			f.xLabel += " to " + tickLabel(fmtSeconds(intervals[len(intervals)-1]))
		}
	}
	if cut {
		f.xLabel += "; a last interval under a quarter long left out"
	}
	f.x = axis{min: 0, max: max(end, 1e-3), ticks: formatTicks{func(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }}}
	f.y = axis{min: 0, max: max(top*1.05, 1), ticks: formatTicks{fmtRate}}
	return f
}

// timeline is a load's series as rates, one point at the start of each
// interval and one at the end of the last; short says a last interval
// under a quarter of the others was left out, as its rate is mostly noise.
func timeline(l *results.Load) (pts plotter.XYs, short bool) {
	n := len(l.Series)
	end, rate := 0.0, 0.0
	for i, sec := range l.Series {
		start, length := l.SeriesSpan(i)
		if length <= 0 {
			continue // folded after the end: it measured nothing
		}
		if i == n-1 && n > 1 && length < l.SeriesInterval()/4 {
			short = true
			break
		}
		rate = float64(sec.Requests) / length
		pts = append(pts, plotter.XY{X: start, Y: rate})
		end = start + length
	}
	if len(pts) > 0 {
		pts = append(pts, plotter.XY{X: end, Y: rate})
	}
	return pts, short
}
