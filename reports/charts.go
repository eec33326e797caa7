package reports

import (
	"bytes"
	"fmt"
	"image/color"
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
	chartRowHeight = 0.32 * vg.Inch // per model, in bar charts
)

// Chart is one SVG chart of a report, linked from the markdown as
// charts/NAME.
type Chart struct {
	// Name is the file name, such as "cpu-bound-throughput.svg".
	Name string
	// Title says what the chart shows; it is the image's alt text.
	Title string

	scenario *scenario
	draw     func() (*plot.Plot, vg.Length)
}

// Charts returns every chart of f's report, in the order the report shows
// them. Rendering a chart is a pure function of f.
func Charts(f *results.File) []Chart { return analyze(f).charts() }

// charts lists the charts of every scenario.
func (a *analysis) charts() []Chart {
	var out []Chart
	for _, s := range a.scenarios {
		if len(s.measured()) == 0 {
			continue
		}
		add := func(kind, title string, draw func() (*plot.Plot, vg.Length)) {
			out = append(out, Chart{Name: s.slug + "-" + kind + ".svg", Title: title, scenario: s, draw: draw})
		}
		switch s.kind {
		case results.KindIdle:
			add("memory", "memory per idle connection, per model", func() (*plot.Plot, vg.Length) { return a.memoryChart(s) })
		case results.KindBatch:
			add("makespan", "makespan per model, with the spread over repetitions", func() (*plot.Plot, vg.Length) { return a.makespanChart(s) })
			if s.hasLatency() {
				add("latency", "latency percentile spectrum per model", func() (*plot.Plot, vg.Length) { return a.latencyChart(s), chartHeight })
			}
		default:
			add("throughput", "throughput per model, with the spread over repetitions and the bound", func() (*plot.Plot, vg.Length) { return a.throughputChart(s) })
			if s.hasLatency() {
				add("latency", "latency percentile spectrum per model", func() (*plot.Plot, vg.Length) { return a.latencyChart(s), chartHeight })
			}
			if s.hasSeries() {
				add("timeline", "throughput second by second, median repetition of each model", func() (*plot.Plot, vg.Length) { return a.timelineChart(s), chartHeight })
			}
		}
	}
	return out
}

// of returns the charts of one scenario.
func chartsOf(cs []Chart, s *scenario) []Chart {
	var out []Chart
	for _, c := range cs {
		if c.scenario == s {
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
		if len(t.series) > 1 {
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

// newPlot is a plot in the report's style.
func newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	sans := func(size vg.Length) font.Font {
		return font.Font{Typeface: "Liberation", Variant: "Sans", Size: size}
	}
	p.Title.Text = title
	p.Title.TextStyle.Font = sans(12)
	p.X.Label.Text, p.Y.Label.Text = xLabel, yLabel
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = sans(10)
		ax.Tick.Label.Font = sans(9)
	}
	p.Legend.TextStyle.Font = sans(9)
	p.Legend.Top = true
	return p
}

// palette gives every model of the report its own colour, the same in every
// chart: Okabe and Ito's colour-blind-safe set, then darker tones.
func (a *analysis) colour(model string) color.Color {
	palette := []color.RGBA{
		{0xe6, 0x9f, 0x00, 0xff}, {0x56, 0xb4, 0xe9, 0xff}, {0x00, 0x9e, 0x73, 0xff},
		{0xbb, 0xaa, 0x22, 0xff}, {0x00, 0x72, 0xb2, 0xff}, {0xd5, 0x5e, 0x00, 0xff},
		{0xcc, 0x79, 0xa7, 0xff}, {0x00, 0x00, 0x00, 0xff}, {0x88, 0x44, 0x00, 0xff},
		{0x44, 0x44, 0x99, 0xff}, {0x99, 0x99, 0x99, 0xff}, {0x33, 0x77, 0x33, 0xff},
	}
	for i, m := range a.models {
		if m == model {
			return palette[i%len(palette)]
		}
	}
	return palette[len(palette)-1]
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
	p, h := c.draw()
	canvas := vgsvg.New(chartWidth, h)
	p.Draw(draw.New(canvas))
	_, err = canvas.WriteTo(buf)
	return err
}
