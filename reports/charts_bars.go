package reports

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// bar is one model's bar: the median, the repetitions' range and the bound
// (0: none).
type bar struct {
	model         string
	value, lo, hi float64
	bound         float64
}

// barChart draws one horizontal bar per model, first model on top, with the
// range of the repetitions as an error bar, the bound as a marker and the
// value written beside the bar. It returns the plot and its height.
func (a *analysis) barChart(title, xLabel string, bars []bar, label func(float64) string) (*plot.Plot, vg.Length) {
	p := newPlot(title, xLabel, "")
	n := len(bars)
	names := make([]string, n)
	var errs xErrs
	var bounds plotter.XYs
	labels := plotter.XYLabels{}
	top := 0.0
	for i, b := range bars {
		y := float64(n - 1 - i)
		names[n-1-i] = b.model
		bc, err := plotter.NewBarChart(plotter.Values{b.value}, chartRowHeight*0.7)
		if err != nil {
			continue // a negative or NaN value: leave the bar out
		}
		bc.Horizontal = true
		bc.XMin = y
		bc.Color = a.colour(b.model)
		bc.LineStyle.Width = 0
		p.Add(bc)
		if b.hi > b.lo {
			errs = append(errs, xErr{x: b.value, y: y, low: b.value - b.lo, high: b.hi - b.value})
		}
		if b.bound > 0 {
			bounds = append(bounds, plotter.XY{X: b.bound, Y: y})
		}
		end := max(b.value, b.hi, b.bound)
		labels.XYs = append(labels.XYs, plotter.XY{X: end, Y: y})
		labels.Labels = append(labels.Labels, label(b.value))
		top = max(top, end)
	}
	if len(errs) > 0 {
		eb, err := plotter.NewXErrorBars(errs)
		if err == nil {
			eb.LineStyle.Width = vg.Points(1)
			eb.CapWidth = chartRowHeight * 0.35
			p.Add(eb)
		}
	}
	if len(bounds) > 0 {
		sc, err := plotter.NewScatter(bounds)
		if err == nil {
			sc.GlyphStyle = draw.GlyphStyle{Color: color.Black, Radius: vg.Points(3.5), Shape: draw.PyramidGlyph{}}
			p.Add(sc)
			p.Legend.Add("bound", sc)
		}
	}
	if lb, err := plotter.NewLabels(labels); err == nil {
		for i := range lb.TextStyle {
			lb.TextStyle[i].Font = p.X.Tick.Label.Font
			lb.TextStyle[i].YAlign = draw.YCenter
		}
		lb.Offset = vg.Point{X: vg.Points(8)}
		p.Add(lb)
	}
	p.NominalY(names...)
	p.X.Min = 0
	p.X.Max = max(top*1.2, 1e-9)
	p.Y.Min, p.Y.Max = -0.6, float64(n)-0.4
	return p, chartRowHeight*vg.Length(n) + 1.1*vg.Inch
}

// xErr is one error bar, with offsets below and above the value.
type xErr struct{ x, y, low, high float64 }

type xErrs []xErr

func (e xErrs) Len() int                        { return len(e) }
func (e xErrs) XY(i int) (float64, float64)     { return e[i].x, e[i].y }
func (e xErrs) XError(i int) (float64, float64) { return e[i].low, e[i].high }

// throughputChart is req/s per model with the repetitions' range and bound.
func (a *analysis) throughputChart(s *scenario) (*plot.Plot, vg.Length) {
	var bars []bar
	for _, t := range s.measured() {
		if len(t.rates) == 0 {
			continue
		}
		b := bar{model: t.name, value: t.rate, lo: t.rates[0], hi: t.rates[len(t.rates)-1]}
		if t.bound != nil {
			b.bound = t.bound.Throughput
		}
		bars = append(bars, b)
	}
	return a.barChart(s.Name+": throughput", "requests per second (median; bar: range over repetitions)", bars, fmtRate)
}

// makespanChart is each model's batch makespan, shorter is better.
func (a *analysis) makespanChart(s *scenario) (*plot.Plot, vg.Length) {
	var bars []bar
	for _, t := range s.measured() {
		if len(t.makespans) == 0 {
			continue
		}
		b := bar{model: t.name, value: t.makespan, lo: t.makespans[0], hi: t.makespans[len(t.makespans)-1]}
		if t.bound != nil {
			b.bound = t.bound.Makespan
		}
		bars = append(bars, b)
	}
	return a.barChart(s.Name+": makespan (shorter is better)", "seconds from the first send to the last answer", bars, fmtSeconds)
}

// memoryChart is each model's memory per idle connection, in KiB.
func (a *analysis) memoryChart(s *scenario) (*plot.Plot, vg.Length) {
	var bars []bar
	for _, t := range s.measured() {
		if t.idle == nil {
			continue
		}
		bars = append(bars, bar{model: t.name, value: t.idlePerConn / 1024})
	}
	return a.barChart(s.Name+": memory per idle connection", "KiB per connection (PSS when known, else RSS)", bars,
		func(v float64) string { return fmtBytes(v * 1024) })
}
