package reports

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/corobench/corobench/results"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// The charts are checked as numbers, not pixels: what each plots is what
// the tables say, its axes suit the values, and its marks can be seen.

// tableRow is the cells of model's row in a table.
func tableRow(t *testing.T, tb *table, model string) []string {
	t.Helper()
	for _, row := range tb.rows {
		if strings.TrimSuffix(row[0], " ⚠") == escape(model) {
			return row
		}
	}
	t.Fatalf("no row for %s", model)
	return nil
}

func targetOf(t *testing.T, s *scenario, model string) *target {
	t.Helper()
	for _, tg := range s.targets {
		if tg.name == model {
			return tg
		}
	}
	t.Fatalf("no target %s", model)
	return nil
}

func TestChartsPlotTheTablesNumbers(t *testing.T) {
	t.Parallel()
	a := analyze(fixture())
	charts := a.charts()
	require.NotEmpty(t, charts)
	for _, c := range charts {
		s, fig := c.scenario, c.figure()
		switch {
		case strings.HasSuffix(c.Name, "-memory.svg"):
			tb := a.idleTable(s)
			require.Len(t, fig.bars, len(tb.rows), c.Name)
			for _, b := range fig.bars {
				row := tableRow(t, tb, b.model)
				if b.excluded != "" {
					assert.True(t, row[1] == "failed" || strings.Contains(row[1], "answered"), "%s: %s is shown as not comparable, the table says %q", c.Name, b.model, row[1])
					continue
				}
				assert.Equal(t, row[len(row)-1], b.label, "%s: %s", c.Name, b.model)
				assert.InDelta(t, targetOf(t, s, b.model).idlePerConn, b.value, 1e-9)
			}
		case fig.bars != nil:
			tb := a.mainTable(s)
			require.Len(t, fig.bars, len(tb.rows), "%s: a bar for every row", c.Name)
			for _, b := range fig.bars {
				row, tg := tableRow(t, tb, b.model), targetOf(t, s, b.model)
				if b.excluded != "" {
					assert.Equal(t, "failed", row[1], "%s: %s", c.Name, b.model)
					continue
				}
				assert.True(t, strings.HasPrefix(row[1], b.label+" ") || row[1] == b.label, "%s: %s: the bar says %q, the table %q", c.Name, b.model, b.label, row[1])
				want, reps := tg.rate, tg.rates
				if s.kind == results.KindBatch {
					want, reps = tg.makespan, tg.makespans
				}
				assert.InDelta(t, want, b.value, 1e-9, "%s: %s", c.Name, b.model)
				assert.Equal(t, []float64{reps[0], reps[len(reps)-1]}, []float64{b.lo, b.hi}, "%s: %s: the range over repetitions", c.Name, b.model)
			}
		case strings.HasSuffix(c.Name, "-latency.svg"):
			tb := a.mainTable(s)
			for _, l := range fig.lines {
				row := tableRow(t, tb, l.model)
				at := func(x float64) string {
					for _, pt := range l.pts {
						if pt.X == x {
							return fmtSeconds(pt.Y / 1000)
						}
					}
					return "no point at " + fmtInt(int64(x))
				}
				last := l.pts[len(l.pts)-1]
				for col, x := range map[int]float64{4: 2, 5: 10, 6: 100, 7: 1000} {
					if x < last.X {
						assert.Equal(t, row[col], at(x), "%s: %s at 1/(1-p) = %g", c.Name, l.model, x)
					}
				}
				assert.Equal(t, row[8], fmtSeconds(last.Y/1000), "%s: %s ends at its slowest request", c.Name, l.model)
			}
		case strings.HasSuffix(c.Name, "-timeline.svg"):
			for _, l := range fig.lines {
				tg := targetOf(t, s, l.model)
				var area float64
				for i := 0; i+1 < len(l.pts); i++ {
					area += l.pts[i].Y * (l.pts[i+1].X - l.pts[i].X)
				}
				span := l.pts[len(l.pts)-1].X - l.pts[0].X
				assert.InDelta(t, tg.seriesLoad.Throughput(), area/span, 1e-6*area/span,
					"%s: %s: over the run, the timeline averages its repetition's req/s", c.Name, l.model)
				if len(tg.rates)%2 == 1 {
					assert.InDelta(t, tg.rate, area/span, 1e-6*tg.rate, "%s: %s: and the table's", c.Name, l.model)
				}
			}
		default:
			t.Errorf("%s: no check for this chart", c.Name)
		}
	}
}

// A log axis where the values span more than logSpan, and axes that end
// near the data (not a decade beyond it).
func TestChartAxesFitTheData(t *testing.T) {
	t.Parallel()
	a := analyze(fixture())
	logs := map[string]bool{}
	for _, c := range a.charts() {
		fig := c.figure()
		if fig.bars != nil {
			lo, hi, reach := math.Inf(1), 0.0, 0.0
			for _, b := range fig.bars {
				if b.excluded == "" && b.value > 0 {
					lo, hi, reach = min(lo, b.value), max(hi, b.value), max(reach, b.value, b.hi, b.bound)
				}
			}
			assert.Equal(t, hi/lo > logSpan, fig.x.log, "%s: values from %g to %g", c.Name, lo, hi)
			logs[c.Name] = fig.x.log
			cv := draw.New(vgsvg.New(chartWidth, fig.height()))
			p := fig.barPlot(cv)
			assert.GreaterOrEqual(t, p.X.Max, reach, "%s: every bar and bound is on the axis", c.Name)
			assert.Less(t, p.X.Max, reach*2, "%s: the axis ends near the data", c.Name)
			continue
		}
		lo, hi := math.Inf(1), 0.0
		for _, l := range fig.lines {
			for _, pt := range l.pts {
				lo, hi = min(lo, pt.Y), max(hi, pt.Y)
			}
		}
		p := fig.linePlot()
		assert.GreaterOrEqual(t, p.Y.Max, hi, "%s", c.Name)
		assert.LessOrEqual(t, p.Y.Max, hi*1.2, "%s: the y axis ends near the data", c.Name)
		assert.LessOrEqual(t, p.Y.Min, lo, "%s", c.Name)
		if strings.HasSuffix(c.Name, "-latency.svg") {
			assert.Equal(t, hi/lo > logSpan, fig.y.log, "%s: latencies from %g to %g ms", c.Name, lo, hi)
			logs[c.Name] = fig.y.log
			if fig.y.log {
				assert.Greater(t, p.Y.Min, lo/1.2, "%s: a log axis starts near the data (a linear one at 0)", c.Name)
			}
		}
	}
	assert.True(t, logs["c10k-memory.svg"], "idle memory spans orders of magnitude")
	assert.True(t, logs["mixed-latency.svg"], "so do the mixed scenario's latencies")
	assert.False(t, logs["cpu-bound-throughput.svg"])
}

// Every mark drawn over or beside a bar (the bound, the range) stands out
// against every bar colour, and no two models share both colour and dash.
func TestMarksContrastWithEveryBar(t *testing.T) {
	t.Parallel()
	a := analyze(fixture())
	for i, m := range a.models {
		st := a.style(m)
		best := 0.0
		for _, mark := range markColours {
			best = max(best, contrast(mark, st.colour))
		}
		assert.GreaterOrEqual(t, best, 3.0, "%s's bar (%v): a mark on it would not show", m, st.colour)
		for _, other := range a.models[i+1:] {
			so := a.style(other)
			assert.False(t, so.colour == st.colour && slices.Equal(so.dashes, st.dashes), "%s and %s are drawn alike", m, other)
		}
	}
	// Past the palette, colours come back with another dash.
	many := &analysis{}
	for i := range 2 * len(palette) {
		many.models = append(many.models, string(rune('a'+i)))
	}
	for i := range len(palette) {
		x, y := many.style(many.models[i]), many.style(many.models[i+len(palette)])
		assert.Equal(t, x.colour, y.colour)
		assert.NotEqual(t, x.dashes, y.dashes)
	}
	assert.InDelta(t, 21, contrast(black, white), 0.01)
	assert.InDelta(t, 1, contrast(palette[3].colour, palette[3].colour), 1e-9)
}

// A run of 1.5 s in one-second entries, as files had it: the half second
// at the end is a rate over half a second, not a drop by half.
func TestTimelineNormalizesIntervals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		load  results.Load
		rates []float64
		short bool
	}{
		{name: "old file", load: results.Load{Elapsed: 1.5, Series: []results.Second{{Requests: 3285}, {Requests: 1642}}},
			rates: []float64{3285, 3284, 3284}},
		{name: "tenths", load: results.Load{Elapsed: 0.3, Interval: 0.1, Series: []results.Second{{Requests: 300}, {Requests: 330}, {Requests: 310}}},
			rates: []float64{3000, 3300, 3100, 3100}},
		{name: "a sliver at the end", load: results.Load{Elapsed: 0.21, Interval: 0.1, Series: []results.Second{{Requests: 300}, {Requests: 330}, {Requests: 9}}},
			rates: []float64{3000, 3300, 3300}, short: true},
		{name: "an entry after the end", load: results.Load{Elapsed: 0.2, Interval: 0.1, Series: []results.Second{{Requests: 300}, {Requests: 330}, {}}},
			rates: []float64{3000, 3300, 3300}},
	}
	for _, tt := range tests {
		pts, short := timeline(&tt.load)
		var got []float64
		for _, pt := range pts {
			got = append(got, pt.Y)
		}
		assert.InDeltaSlice(t, tt.rates, got, 1e-6, tt.name)
		assert.Equal(t, tt.short, short, tt.name)
	}
}

func TestLogTicks(t *testing.T) {
	t.Parallel()
	bytes := logTicks{format: fmtBytes, binary: true}
	assert.Equal(t, []float64{100, 1024, 10240, 102400, 1 << 20, 10 << 20}, bytes.steps(388, 1.12*(1<<20)))
	assert.InDelta(t, 100, bytes.floor(388), 1e-9)
	var labels []string
	for _, tk := range bytes.Ticks(100, 2<<20) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	assert.Equal(t, []string{"100 B", "1 KiB", "10 KiB", "100 KiB", "1 MiB"}, labels)
	assert.Equal(t, []float64{10, 100, 1000, 10000}, logTicks{format: fmtRate}.steps(42, 7137))
	assert.Equal(t, "2.5 s", tickLabel("2.50 s"))
	assert.Equal(t, "4,000", tickLabel("4,000"))
}
