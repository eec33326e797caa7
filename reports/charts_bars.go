package reports

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// bar is one model's row of a bar chart.
type bar struct {
	model         string
	value, lo, hi float64 // the median and the range over repetitions
	bound         float64 // 0: none
	label         string  // the value as the table writes it, at the bar's end
	// excluded says why the row is not comparable with the others (every
	// repetition failed; most connections never answered); the row is
	// then a hatched band with the reason, not a bar.
	excluded string
}

// Bar chart geometry, in points.
const (
	barShare    = 0.6 // of a row's height
	labelGap    = 4   // between a bar's end and its label
	boundRadius = 4   // half the bound marker's width
	keyHeight   = 18  // the key below the chart
)

// barFigure is a horizontal bar chart of bars, first on top, its x axis
// logarithmic when the comparable values (not their bounds) span more than
// logSpan. boundKey says what the bound marker means.
func (a *analysis) barFigure(title, xLabel, boundKey string, bars []bar, format func(float64) string, binary bool) *figure {
	f := &figure{title: title, xLabel: xLabel, bars: bars, styles: a.style, boundKey: boundKey}
	lo, hi := math.Inf(1), 0.0       // the values
	floor, reach := math.Inf(1), 0.0 // and everything drawn
	for _, b := range bars {
		if b.excluded != "" || b.value <= 0 {
			continue
		}
		lo, hi = min(lo, b.value), max(hi, b.value)
		floor, reach = min(floor, b.value), max(reach, b.value, b.hi, b.bound)
		for _, v := range []float64{b.lo, b.bound} {
			if v > 0 {
				floor = min(floor, v)
			}
		}
	}
	f.x = axis{min: 0, max: max(reach, 1e-9), ticks: formatTicks{format}}
	if wantsLog(lo, hi) {
		t := logTicks{format: format, binary: binary}
		f.x = axis{min: t.floor(floor), max: reach, log: true, ticks: t}
		f.xLabel += " · log scale"
	}
	return f
}

// barPlot is the bar chart's plot on c, its x axis reaching far enough
// right that every label and marker fits.
func (f *figure) barPlot(c draw.Canvas) *plot.Plot {
	p := f.newPlot()
	n := len(f.bars)
	names := make([]string, n)
	for i, b := range f.bars {
		names[n-1-i] = b.model
	}
	p.NominalY(names...)
	p.Y.Min, p.Y.Max = -0.6, float64(n)-0.3 // room above the first bar for its bound
	p.Add(barsPlotter{f})
	f.fitX(p, c)
	return p
}

// fitX sets the x axis's end so that each bar's label, written after the
// bar's end (or its range's), and each bound marker fit in the plot.
func (f *figure) fitX(p *plot.Plot, c draw.Canvas) {
	width := float64(p.DataCanvas(c).Size().X) * 0.97
	top := f.x.max
	// reach is the axis's end that puts v room points left of it.
	reach := func(v, room float64) float64 { return v / (1 - room/width) }
	if f.x.log {
		lmin := math.Log(f.x.min)
		reach = func(v, room float64) float64 { return math.Exp(lmin + (math.Log(v)-lmin)/(1-room/width)) }
	}
	for _, b := range f.bars {
		if b.excluded != "" || b.value <= 0 {
			continue
		}
		w := float64(labelStyle().Rectangle(b.label).Max.X)
		top = max(top, reach(max(b.value, b.hi), w+labelGap+2))
		if b.bound > 0 {
			top = max(top, reach(b.bound, boundRadius+2))
		}
	}
	p.X.Max = top
}

// barsPlotter draws the bars of a figure.
type barsPlotter struct{ f *figure }

// Plot implements plot.Plotter.
func (bp barsPlotter) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	n := len(bp.f.bars)
	half := (trY(1) - trY(0)) * barShare / 2
	base := trX(p.X.Min)
	label := labelStyle()
	for i, b := range bp.f.bars {
		y := trY(float64(n - 1 - i))
		if b.excluded != "" {
			hatch(c, vg.Rectangle{Min: vg.Point{X: c.Min.X, Y: y - half}, Max: vg.Point{X: c.Max.X, Y: y + half}})
			note := label
			note.Color = noteGrey
			c.FillText(note, vg.Point{X: c.Min.X + 6, Y: y}, "not comparable: "+b.excluded)
			continue
		}
		if b.value <= 0 {
			continue
		}
		x := trX(b.value)
		c.FillPolygon(bp.f.styles(b.model).colour, []vg.Point{{X: base, Y: y - half}, {X: x, Y: y - half}, {X: x, Y: y + half}, {X: base, Y: y + half}})
		end := x
		if b.hi > b.lo {
			whisker(c, trX(max(b.lo, p.X.Min)), trX(b.hi), y, half*0.55)
			end = max(end, trX(b.hi))
		}
		c.FillText(label, vg.Point{X: end + labelGap, Y: y}, b.label)
		if b.bound > 0 {
			boundGlyph{}.DrawGlyph(&c, draw.GlyphStyle{Radius: boundRadius}, vg.Point{X: trX(b.bound), Y: y + half})
		}
	}
}

// drawKey explains the marks that the chart has, in one line on c, from
// under the data area dc.
func (f *figure) drawKey(c, dc draw.Canvas) {
	sty := labelStyle()
	x, y := dc.Min.X, (c.Min.Y+c.Max.Y)/2
	item := func(icon func(x vg.Length), words string) {
		icon(x)
		x += vg.Points(16)
		c.FillText(sty, vg.Point{X: x, Y: y}, words)
		x += sty.Rectangle(words).Max.X + vg.Points(14)
	}
	var bound, spread, excluded bool
	for _, b := range f.bars {
		bound = bound || (b.bound > 0 && b.excluded == "")
		spread = spread || (b.hi > b.lo && b.excluded == "")
		excluded = excluded || b.excluded != ""
	}
	if spread {
		item(func(x vg.Length) { whisker(c, x, x+vg.Points(12), y, 3) }, "range over repetitions")
	}
	if bound {
		item(func(x vg.Length) {
			boundGlyph{}.DrawGlyph(&c, draw.GlyphStyle{Radius: boundRadius}, vg.Point{X: x + 6, Y: y - 3})
		}, f.boundKey)
	}
	if excluded {
		item(func(x vg.Length) {
			hatch(c, vg.Rectangle{Min: vg.Point{X: x, Y: y - 5}, Max: vg.Point{X: x + 12, Y: y + 5}})
		}, "not comparable with the others (the row says why)")
	}
}

// throughputChart is req/s per model with the repetitions' range and bound.
func (a *analysis) throughputChart(s *scenario) *figure {
	var bars []bar
	for _, t := range s.targets {
		if len(t.rates) == 0 {
			bars = append(bars, bar{model: t.name, excluded: failedReason(t)})
			continue
		}
		b := bar{model: t.name, value: t.rate, lo: t.rates[0], hi: t.rates[len(t.rates)-1], label: fmtRate(t.rate)}
		if t.bound != nil {
			b.bound = t.bound.Throughput
		}
		bars = append(bars, b)
	}
	return a.barFigure(s.Name+": throughput", "requests per second (median of the repetitions)",
		"the bound: the most physics allows", bars, fmtRate, false)
}

// makespanChart is each model's batch makespan, shorter is better.
func (a *analysis) makespanChart(s *scenario) *figure {
	var bars []bar
	for _, t := range s.targets {
		if len(t.makespans) == 0 {
			bars = append(bars, bar{model: t.name, excluded: failedReason(t)})
			continue
		}
		b := bar{model: t.name, value: t.makespan, lo: t.makespans[0], hi: t.makespans[len(t.makespans)-1], label: fmtSeconds(t.makespan)}
		if t.bound != nil {
			b.bound = t.bound.Makespan
		}
		bars = append(bars, b)
	}
	return a.barFigure(s.Name+": makespan (shorter is better)", "seconds from the first send to the last answer (median)",
		"the bound: the least time physics allows", bars, fmtSeconds, false)
}

// memoryChart is each model's memory per idle connection. A model that
// answered only some of its connections (the rest waiting in its listen
// backlog, never read) is not comparable: its few bytes per connection
// are not a win.
func (a *analysis) memoryChart(s *scenario) *figure {
	var bars []bar
	for _, t := range s.targets {
		switch {
		case t.idle == nil:
			bars = append(bars, bar{model: t.name, excluded: failedReason(t)})
		case t.idleUnserved:
			bars = append(bars, bar{model: t.name, excluded: fmt.Sprintf("%s of %s connections answered, the rest waited in the backlog",
				fmtInt(int64(t.idle.Answered)), fmtInt(int64(t.idle.Conns)))})
		default:
			bars = append(bars, bar{model: t.name, value: t.idlePerConn, label: fmtBytes(t.idlePerConn)})
		}
	}
	return a.barFigure(s.Name+": memory per idle connection", "bytes per connection (PSS when known, else RSS)", "", bars, fmtBytes, true)
}

// failedReason is why a target has no bar.
func failedReason(t *target) string {
	if len(t.ok) == 0 {
		return "no measurement, every repetition failed"
	}
	return "no measurement of this kind"
}
