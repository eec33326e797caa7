package reports

import (
	"image/color"
	"math"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// style is how one model is drawn, the same in every chart of a report:
// its colour, and for lines a dash pattern as a second cue for readers
// who cannot tell the colours apart.
type style struct {
	colour color.RGBA
	dashes []vg.Length // nil: solid
}

// palette is Paul Tol's "muted" scheme, made to stay distinct under every
// common colour-vision deficiency, and a dark grey for a tenth model. The
// dash of each is chosen so that colours alike in hue or lightness (rose
// and wine, green and teal, sand and olive) never share a pattern.
var palette = []struct {
	colour color.RGBA
	dash   int // index into dashPatterns
}{
	{color.RGBA{0xcc, 0x66, 0x77, 0xff}, 0}, // rose, solid
	{color.RGBA{0x33, 0x22, 0x88, 0xff}, 0}, // indigo, solid
	{color.RGBA{0xdd, 0xcc, 0x77, 0xff}, 0}, // sand, solid (a light colour is never dotted)
	{color.RGBA{0x11, 0x77, 0x33, 0xff}, 1}, // green, dashed
	{color.RGBA{0x88, 0xcc, 0xee, 0xff}, 1}, // cyan, dashed
	{color.RGBA{0x88, 0x22, 0x55, 0xff}, 2}, // wine, dotted
	{color.RGBA{0x44, 0xaa, 0x99, 0xff}, 0}, // teal, solid
	{color.RGBA{0x99, 0x99, 0x33, 0xff}, 3}, // olive, dash-dot
	{color.RGBA{0xaa, 0x44, 0x99, 0xff}, 1}, // purple, dashed
	{color.RGBA{0x55, 0x55, 0x55, 0xff}, 2}, // dark grey, dotted
}

// dashPatterns are solid, dashed, dotted and dash-dot lines.
var dashPatterns = [][]vg.Length{
	nil,
	{vg.Points(6), vg.Points(3)},
	{vg.Points(1.5), vg.Points(2.5)},
	{vg.Points(7), vg.Points(2.5), vg.Points(1.5), vg.Points(2.5)},
}

// Colours of the marks drawn over bars and of what is not comparable.
var (
	black      = color.RGBA{0, 0, 0, 0xff}
	white      = color.RGBA{0xff, 0xff, 0xff, 0xff}
	leaderGrey = color.RGBA{0x99, 0x99, 0x99, 0xff}
	shadeGrey  = color.RGBA{0xee, 0xee, 0xee, 0xff} // a row that is not comparable
	hatchGrey  = color.RGBA{0xc4, 0xc4, 0xc4, 0xff}
	noteGrey   = color.RGBA{0x44, 0x44, 0x44, 0xff}
)

// style is model's style: the i-th model of the report gets the i-th
// colour; past the palette, colours repeat with another dash.
func (a *analysis) style(model string) style {
	i := len(a.models)
	for j, m := range a.models {
		if m == model {
			i = j
			break
		}
	}
	p := palette[i%len(palette)]
	return style{colour: p.colour, dashes: dashPatterns[(p.dash+i/len(palette))%len(dashPatterns)]}
}

// luminance is a colour's relative luminance (WCAG 2).
func luminance(c color.RGBA) float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}

// contrast is the WCAG contrast ratio of two colours, from 1 (the same)
// to 21 (black on white). Marks need 3 against what they are drawn on.
func contrast(a, b color.RGBA) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// markColours are the colours of every mark drawn over a bar or beside
// it: each is drawn in both (a black line on a white halo, a white
// triangle with a black edge), so that one of them stands out on any bar.
var markColours = [2]color.RGBA{black, white}

// boundGlyph is the bound's marker: a triangle pointing down, white with a
// black edge, whose tip touches the top of the bar at the bound.
type boundGlyph struct{}

// DrawGlyph implements draw.GlyphDrawer; pt is the tip.
func (boundGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius
	var p vg.Path
	p.Move(pt)
	p.Line(vg.Point{X: pt.X - r, Y: pt.Y + 1.6*r})
	p.Line(vg.Point{X: pt.X + r, Y: pt.Y + 1.6*r})
	p.Close()
	c.SetColor(markColours[1])
	c.Fill(p)
	c.SetLineStyle(draw.LineStyle{Color: markColours[0], Width: vg.Points(1)})
	c.Stroke(p)
}

// whisker draws a line from x0 to x1 at y with end caps, black on a white
// halo, so it shows on a bar of any colour and on the white beside it.
func whisker(c draw.Canvas, x0, x1, y, cap vg.Length) {
	segs := [][]vg.Point{
		{{X: x0, Y: y}, {X: x1, Y: y}},
		{{X: x0, Y: y - cap}, {X: x0, Y: y + cap}},
		{{X: x1, Y: y - cap}, {X: x1, Y: y + cap}},
	}
	c.StrokeLines(draw.LineStyle{Color: markColours[1], Width: vg.Points(3)}, segs...)
	c.StrokeLines(draw.LineStyle{Color: markColours[0], Width: vg.Points(1)}, segs...)
}

// hatch shades a rectangle grey with diagonal lines: a row that is not
// comparable.
func hatch(c draw.Canvas, r vg.Rectangle) {
	c.FillPolygon(shadeGrey, []vg.Point{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}})
	h := r.Max.Y - r.Min.Y
	const step = 6
	var lines [][]vg.Point
	for x := r.Min.X - h; x < r.Max.X; x += vg.Points(step) {
		// The line from (x, bottom) to (x+h, top), cut to the rectangle.
		x0, y0 := x, r.Min.Y
		x1, y1 := x+h, r.Max.Y
		if x0 < r.Min.X {
			y0 += r.Min.X - x0
			x0 = r.Min.X
		}
		if x1 > r.Max.X {
			y1 -= x1 - r.Max.X
			x1 = r.Max.X
		}
		if x1 > x0 {
			lines = append(lines, []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y1}})
		}
	}
	c.StrokeLines(draw.LineStyle{Color: hatchGrey, Width: vg.Points(0.75)}, lines...)
}
