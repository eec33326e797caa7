package reports

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// spectrumSteps is how many points per decade of 1/(1-p) a latency
// spectrum has.
const spectrumSteps = 12

// latencyChart is the latency percentile spectrum of each model, as
// HdrHistogram plots it: the x axis is 1/(1-p) on a log scale, so 90%,
// 99%, 99.9% … are equally spaced and the tail gets the room it deserves.
func (a *analysis) latencyChart(s *scenario) *plot.Plot {
	p := newPlot(s.Name+": latency by percentile", "percentile", "latency")
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = percentileTicks{}, latencyTicks{}
	p.Legend.Left = true
	maxX, lo, hi := 10.0, math.Inf(1), 0.0
	entries := 0
	for _, t := range s.measured() {
		h := t.latency
		if h == nil || h.TotalCount() == 0 {
			continue
		}
		last := float64(h.TotalCount())
		var pts plotter.XYs
		for k := 0; ; k++ {
			x := math.Min(math.Pow(10, float64(k)/spectrumSteps), last)
			q := 100 * (1 - 1/x)
			y := math.Max(float64(h.ValueAtQuantile(q)), 1) / 1000 // ms
			pts = append(pts, plotter.XY{X: x, Y: y})
			lo, hi = math.Min(lo, y), math.Max(hi, y)
			if x >= last {
				break
			}
		}
		maxX = math.Max(maxX, last)
		line, err := plotter.NewLine(pts)
		if err != nil {
			continue
		}
		line.Color = a.colour(t.name)
		line.Width = vg.Points(1.5)
		p.Add(line)
		p.Legend.Add(t.name, line)
		entries++
	}
	p.X.Min, p.X.Max = 1, maxX
	p.Y.Min, p.Y.Max = 1, 10
	if hi > 0 {
		// Leave room at the top for the legend, on the log scale.
		lo, hi = math.Log(lo/1.5), math.Log(hi*1.5)
		f := legendShare(entries, chartHeight)
		p.Y.Min, p.Y.Max = math.Exp(lo), math.Exp(hi+(hi-lo)*f/(1-f))
	}
	return p
}

// percentileTicks label the 1/(1-p) axis in percentiles: 0%, 90%, 99% …
type percentileTicks struct{}

func (percentileTicks) Ticks(min, max float64) []plot.Tick {
	labels := []string{"0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%", "99.99999%"}
	var ts []plot.Tick
	for i, x := 0, 1.0; x <= max*1.0001 && i < len(labels); i, x = i+1, x*10 {
		ts = append(ts, plot.Tick{Value: x, Label: labels[i]})
		if x*2 <= max {
			label := ""
			if i == 0 {
				label = "50%"
			}
			ts = append(ts, plot.Tick{Value: x * 2, Label: label})
		}
	}
	return ts
}

// latencyTicks label a log axis of milliseconds as durations: 1 ms, 10 ms …
type latencyTicks struct{}

func (latencyTicks) Ticks(min, max float64) []plot.Tick {
	var ts []plot.Tick
	if min <= 0 || max <= min {
		return ts
	}
	for d := math.Pow(10, math.Floor(math.Log10(min))); d <= max; d *= 10 {
		for _, m := range []float64{1, 2, 5} {
			v := d * m
			if v < min || v > max {
				continue
			}
			label := ""
			if m == 1 || max/min < 30 {
				label = fmtSeconds(v / 1000)
			}
			ts = append(ts, plot.Tick{Value: v, Label: label})
		}
	}
	return ts
}

// timelineChart is each model's throughput second by second, from its
// median repetition.
func (a *analysis) timelineChart(s *scenario) *plot.Plot {
	p := newPlot(s.Name+": throughput over time", "second of the measured run (median repetition)", "requests per second")
	p.Legend.Left = true
	p.Y.Min = 0
	top, entries := 0.0, 0
	for _, t := range s.measured() {
		if len(t.series) < 2 {
			continue
		}
		pts := make(plotter.XYs, len(t.series))
		for i, sec := range t.series {
			pts[i] = plotter.XY{X: float64(i + 1), Y: float64(sec.Requests)}
			top = max(top, float64(sec.Requests))
		}
		line, err := plotter.NewLine(pts)
		if err != nil {
			continue
		}
		line.Color = a.colour(t.name)
		line.Width = vg.Points(1.5)
		p.Add(line)
		p.Legend.Add(t.name, line)
		entries++
	}
	// Leave room at the top for the legend.
	p.Y.Max = max(top*1.05, 1) / (1 - legendShare(entries, chartHeight))
	return p
}

// legendShare is the share of a chart's data area, from the top, that a
// legend of n entries takes.
func legendShare(n int, height vg.Length) float64 {
	const row, margins = 11, 75 // points: a legend row; title, axis and ticks
	return math.Min(float64(n*row+4)/(height.Points()-margins), 0.6)
}
