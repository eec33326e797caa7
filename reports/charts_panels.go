package reports

import (
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// A timeline of ten models drawn over one another is a tangle of steps;
// drawn as small multiples, one panel per model on the same scales, each
// model's shape over time can be read, and compared with the others'.

// Panel geometry.
const (
	panelCols   = 2
	panelHeight = 0.95 * vg.Inch
	panelTitle  = 18 // the figure's title above the panels, in points
)

// panelRows is how many rows of panels the figure's lines need.
func (f *figure) panelRows() int { return (len(f.lines) + panelCols - 1) / panelCols }

// drawPanels draws the figure's title, then one panel per line on c.
func (f *figure) drawPanels(c draw.Canvas) {
	sty := labelStyle()
	sty.Font, sty.XAlign, sty.YAlign = sans(12), draw.XCenter, draw.YTop
	c.FillText(sty, vg.Point{X: c.Center().X, Y: c.Max.Y}, f.title)
	grid := draw.Crop(c, 0, 0, 0, -panelTitle)
	rows := f.panelRows()
	tiles := draw.Tiles{Cols: min(panelCols, len(f.lines)), Rows: rows, PadX: 16, PadY: 4, PadRight: 6}
	for i, l := range f.lines {
		f.panel(l, i/panelCols == rows-1).Draw(tiles.At(grid, i%panelCols, i/panelCols))
	}
}

// panel is one line's plot, on the figure's scales: the line, a dashed
// level at its mean over the run, and the model and that mean above it.
// Only the bottom row labels its time axis.
func (f *figure) panel(l line, timeLabels bool) *plot.Plot {
	p := plot.New()
	mean := stepMean(l.pts)
	p.Title.Text = l.model + " · " + fmtRate(mean) + " req/s over the run"
	p.Title.TextStyle.Font = sans(9)
	p.Title.Padding = vg.Points(2)
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Tick.Label.Font = sans(8)
		ax.Padding = vg.Points(2)
	}
	p.X.Tick.Marker, p.Y.Tick.Marker = f.x.ticks, f.y.ticks
	if !timeLabels {
		p.X.Tick.Marker = formatTicks{func(float64) string { return "" }}
	}
	if ln, err := plotter.NewLine(l.pts); err == nil {
		ln.Color, ln.Width, ln.StepStyle = f.styles(l.model).colour, lineWidth, plotter.PostStep
		p.Add(ln)
	}
	first, last := l.pts[0].X, l.pts[len(l.pts)-1].X
	if lv, err := plotter.NewLine(plotter.XYs{{X: first, Y: mean}, {X: last, Y: mean}}); err == nil {
		lv.Color, lv.Width, lv.Dashes = leaderGrey, vg.Points(0.75), []vg.Length{vg.Points(3), vg.Points(2)}
		p.Add(lv)
	}
	f.setRanges(p)
	return p
}

// stepMean is the mean over time of a line drawn as steps: each point's
// value held until the next point.
func stepMean(pts plotter.XYs) float64 {
	var area float64
	for i := 0; i+1 < len(pts); i++ {
		area += pts[i].Y * (pts[i+1].X - pts[i].X)
	}
	if span := pts[len(pts)-1].X - pts[0].X; span > 0 {
		return area / span
	}
	return pts[0].Y
}
