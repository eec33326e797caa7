package reports

import (
	"bytes"
	"fmt"
	"io"

	"github.com/corobench/corobench/results"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Chart sizes.
const (
	chartWidth     = 7 * vg.Inch
	chartHeight    = 3.6 * vg.Inch
	chartRowHeight = 0.36 * vg.Inch // per model, in bar charts
)

// Chart is one SVG chart of a report, linked from the markdown as
// charts/NAME.
type Chart struct {
	// Name is the file name, such as "cpu-bound-throughput.svg".
	Name string
	// Title says what the chart shows; it is the image's alt text.
	Title string

	scenario *scenario
	curve    *curve // a curve's chart, shown in its section; scenario is nil
	figure   func() *figure
}

// figure is what a chart shows, as numbers: the chart is drawn from it,
// and tests hold it against the tables. A figure has bars or lines.
type figure struct {
	title, xLabel, yLabel string
	bars                  []bar  // first on top
	lines                 []line // in the models' order
	x, y                  axis   // a bar chart fits its x axis's end when drawn (fitX)
	styles                func(model string) style
	boundKey              string // what a bar chart's bound marker means
	panels                bool   // a line chart drawn as one panel per line (charts_panels.go)
}

// axis is one axis's range and scale.
type axis struct {
	min, max float64
	log      bool
	ticks    plot.Ticker // nil: gonum's default
}

// Charts returns every chart of f's report, in the order the report shows
// them. Rendering a chart is a pure function of f.
func Charts(f *results.File) []Chart { return analyze(f).charts() }

// charts lists the charts of every curve and every scenario.
func (a *analysis) charts() []Chart {
	var out []Chart
	for _, c := range a.curves() {
		out = append(out,
			Chart{Name: c.slug + "-throughput-by-idle.svg", Title: "req/s per model against the idle connections held", curve: c,
				figure: func() *figure {
					return a.curveChart(c, "throughput", "requests per second (median)", func(x curveCell) float64 { return x.rate }, fmtRate)
				}},
			Chart{Name: c.slug + "-cpu-by-idle.svg", Title: "target CPU per request per model against the idle connections held", curve: c,
				figure: func() *figure {
					return a.curveChart(c, "CPU per request", "target CPU per request (median)", func(x curveCell) float64 { return x.cpu }, fmtMicros)
				}})
	}
	for _, s := range a.scenarios {
		if len(s.measured()) == 0 {
			continue
		}
		add := func(kind, title string, fig func() *figure) {
			out = append(out, Chart{Name: s.slug + "-" + kind + ".svg", Title: title, scenario: s, figure: fig})
		}
		switch s.kind {
		case results.KindIdle:
			add("memory", "memory per idle connection, per model", func() *figure { return a.memoryChart(s) })
		case results.KindBatch:
			add("makespan", "makespan per model, with the spread over repetitions and the bound", func() *figure { return a.makespanChart(s) })
			if s.hasLatency() {
				add("latency", "latency percentile spectrum per model", func() *figure { return a.latencyChart(s) })
			}
		default:
			add("throughput", "throughput per model, with the spread over repetitions and the bound", func() *figure { return a.throughputChart(s) })
			if s.hasLatency() {
				title := "latency percentile spectrum per model"
				if s.isChat() {
					title = "delivery latency percentile spectrum per model (send to read, per recipient)"
				}
				add("latency", title, func() *figure { return a.latencyChart(s) })
			}
			if s.hasSeries() {
				add("timeline", "throughput over time, median repetition of each model", func() *figure { return a.timelineChart(s) })
			}
		}
	}
	return out
}

// chartsOf returns the charts of one scenario.
func chartsOf(cs []Chart, s *scenario) []Chart {
	var out []Chart
	for _, c := range cs {
		if c.scenario == s {
			out = append(out, c)
		}
	}
	return out
}

// chartsOfCurve returns the charts of one curve.
func chartsOfCurve(cs []Chart, cv *curve) []Chart {
	var out []Chart
	for _, c := range cs {
		if c.curve == cv {
			out = append(out, c)
		}
	}
	return out
}

func (s *scenario) hasLatency() bool {
	for _, t := range s.targets {
		if t.latency != nil && t.latency.TotalCount() > 0 {
			return true
		}
	}
	return false
}

func (s *scenario) hasSeries() bool {
	for _, t := range s.targets {
		if t.seriesLoad != nil && len(t.seriesLoad.Series) > 1 {
			return true
		}
	}
	return false
}

// WriteSVG renders the chart as SVG to w and returns the first write error.
// The output depends only on the results: fonts are referred to by name,
// not embedded, with fallbacks of the same metrics (Liberation Sans is
// metric-compatible with Arial).
func (c Chart) WriteSVG(w io.Writer) error {
	var buf bytes.Buffer
	if err := c.render(&buf); err != nil {
		return fmt.Errorf("reports: chart %s: %w", c.Name, err)
	}
	out := bytes.ReplaceAll(buf.Bytes(), []byte("font-family:Liberation Sans;"),
		[]byte("font-family:Liberation Sans,Arial,Helvetica,sans-serif;"))
	if _, err := w.Write(out); err != nil {
		return fmt.Errorf("reports: chart %s: %w", c.Name, err)
	}
	return nil
}

// render draws the chart into buf. The plotting library panics on data it
// cannot draw; that becomes an error, so one bad chart cannot take the
// report down with it.
func (c Chart) render(buf *bytes.Buffer) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot draw: %v", r)
		}
	}()
	fig := c.figure()
	canvas := vgsvg.New(chartWidth, fig.height())
	fig.draw(draw.New(canvas))
	_, err = canvas.WriteTo(buf)
	return err
}

// height is the figure's height: a bar chart grows with its rows.
func (f *figure) height() vg.Length {
	if f.panels {
		return panelHeight*vg.Length(f.panelRows()) + panelTitle + xLabelHeight + 12
	}
	if f.lines != nil || f.bars == nil {
		return chartHeight
	}
	return chartRowHeight*vg.Length(len(f.bars)) + 1.35*vg.Inch
}

// xLabelHeight is the strip under a chart that holds its x axis's label.
const xLabelHeight = 17

// draw draws the figure on c: the plot, its key (bars) or the lines'
// names (lines), and the x axis's label, centred under the data. (gonum
// would place the label at the data's arithmetic midpoint, which on a log
// axis is near its right end, and shrink the plot to make room for it.)
func (f *figure) draw(c draw.Canvas) {
	bottom := vg.Length(xLabelHeight)
	if f.bars != nil {
		bottom += keyHeight
	}
	pc := draw.Crop(c, 0, -4, bottom, 0)
	dc := pc
	switch {
	case f.panels:
		f.drawPanels(pc)
	case f.bars != nil:
		p := f.barPlot(pc)
		p.Draw(pc)
		dc = p.DataCanvas(pc)
		f.drawKey(draw.Crop(c, 0, 0, 0, -(c.Max.Y-c.Min.Y-keyHeight)), dc)
	default:
		pc = draw.Crop(pc, 0, -f.labelMargin(), 0, 0)
		p := f.linePlot()
		p.Draw(pc)
		dc = p.DataCanvas(pc)
		f.drawEndLabels(c, dc, p)
	}
	sty := labelStyle()
	sty.Font, sty.XAlign = sans(10), draw.XCenter
	c.FillText(sty, vg.Point{X: dc.Center().X, Y: pc.Min.Y - xLabelHeight/2}, f.xLabel)
}

// newPlot is a plot in the report's style, with the figure's titles and
// axes.
func (f *figure) newPlot() *plot.Plot {
	p := plot.New()
	p.Title.Text = f.title
	p.Title.TextStyle.Font = sans(12)
	p.Y.Label.Text = f.yLabel // the x label is drawn by draw
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = sans(10)
		ax.Tick.Label.Font = sans(9)
	}
	p.Legend.TextStyle.Font = sans(9)
	for _, a := range []struct {
		ax  *plot.Axis
		def axis
	}{{&p.X, f.x}, {&p.Y, f.y}} {
		if a.def.log {
			a.ax.Scale = plot.LogScale{}
		}
		if a.def.ticks != nil {
			a.ax.Tick.Marker = a.def.ticks
		}
	}
	f.setRanges(p)
	return p
}

// setRanges sets p's axes to the figure's ranges.
func (f *figure) setRanges(p *plot.Plot) {
	p.X.Min, p.X.Max = f.x.min, f.x.max
	p.Y.Min, p.Y.Max = f.y.min, f.y.max
}

func sans(size vg.Length) font.Font {
	return font.Font{Typeface: "Liberation", Variant: "Sans", Size: size}
}
