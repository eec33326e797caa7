package reports

import (
	"math"
	"strings"

	"gonum.org/v1/plot"
)

// logSpan is the ratio of the largest value to the smallest above which an
// axis is logarithmic: the values then differ by orders of magnitude, and
// on a linear axis all but the largest would be slivers.
const logSpan = 100

// wantsLog reports whether values from lo to hi need a log axis.
func wantsLog(lo, hi float64) bool { return lo > 0 && hi/lo > logSpan }

// formatTicks are gonum's linear ticks, labelled with format (so an axis
// of req/s reads 4,000 and one of bytes 1.5 KiB).
type formatTicks struct{ format func(float64) string }

func (t formatTicks) Ticks(min, max float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = tickLabel(t.format(ts[i].Value))
		}
	}
	return ts
}

// logTicks label a log axis at every power of ten (binary: 1, 10 and 100
// times every power of 1024, so that bytes read 100 B, 1 KiB, 10 KiB),
// with unlabelled ticks at 2 and 5 times each when the axis spans at most
// three of them.
type logTicks struct {
	format func(float64) string
	binary bool
}

// steps are the labelled tick values from the one at or below lo to the
// one at or above hi.
func (t logTicks) steps(lo, hi float64) []float64 {
	if lo <= 0 || hi < lo {
		return nil
	}
	at := func(k int) float64 {
		if !t.binary {
			return math.Pow(10, float64(k))
		}
		d := int(math.Floor(float64(k) / 3))
		return math.Pow(10, float64(k-3*d)) * math.Pow(1024, float64(d))
	}
	k := int(math.Floor(math.Log10(lo))) - 1
	for at(k+1) <= lo {
		k++
	}
	var vs []float64
	for ; ; k++ {
		vs = append(vs, at(k))
		if at(k) >= hi || len(vs) > 40 {
			return vs
		}
	}
}

// floor is the largest labelled tick value at or below v.
func (t logTicks) floor(v float64) float64 {
	if vs := t.steps(v, v); len(vs) > 0 {
		return vs[0]
	}
	return v
}

func (t logTicks) Ticks(min, max float64) []plot.Tick {
	steps := t.steps(min, max)
	var ts []plot.Tick
	few := len(steps) <= 4
	for i, v := range steps {
		if v >= min*0.9999 && v <= max*1.0001 {
			ts = append(ts, plot.Tick{Value: v, Label: tickLabel(t.format(v))})
		}
		if !few || i == len(steps)-1 {
			continue
		}
		for _, m := range []float64{2, 5} {
			if w := v * m; w < steps[i+1] && w >= min && w <= max {
				ts = append(ts, plot.Tick{Value: w})
			}
		}
	}
	return ts
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
// and 2 and 5 times each too when the axis spans less than 30 times.
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
				label = tickLabel(fmtSeconds(v / 1000))
			}
			ts = append(ts, plot.Tick{Value: v, Label: label})
		}
	}
	return ts
}

// tickLabel drops the zeros that three significant digits leave on a round
// tick value: "1.00 KiB" → "1 KiB", "2.50 s" → "2.5 s".
func tickLabel(s string) string {
	num, unit, _ := strings.Cut(s, " ")
	if strings.Contains(num, ".") {
		num = strings.TrimRight(strings.TrimRight(num, "0"), ".")
	}
	if unit == "" {
		return num
	}
	return num + " " + unit
}
