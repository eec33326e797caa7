package reports

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/results"
)

// curvePerf is one model's req/s and CPU µs per request at each idle count.
type curvePerf struct {
	model string
	rate  map[int]float64
	cpu   map[int]float64
}

// curveFixture is a curve of three models over 0, 100 and 10,000 idle
// connections (select's stops at 900), two repetitions each, as corobench
// run writes it: one scenario per count, the counts ascending.
func curveFixture() *results.File {
	perfs := []curvePerf{
		{"select", map[int]float64{0: 30000, 100: 29000, 900: 21000}, map[int]float64{0: 11, 100: 12, 900: 16}},
		{"poll", map[int]float64{0: 29000, 100: 28000, 10000: 9000}, map[int]float64{0: 12, 100: 13, 10000: 40}},
		{"eventloop", map[int]float64{0: 33000, 100: 33000, 10000: 32000}, map[int]float64{0: 10, 100: 10, 10000: 10.4}},
	}
	f := &results.File{Version: results.Version, Models: []string{"select", "poll", "eventloop"}}
	for _, idle := range []int{0, 100, 900, 10000} {
		s := results.Scenario{Name: fmt.Sprintf("c10k-curve/idle=%d", idle), Kind: results.KindThroughput,
			Description: "the C10K curve", Curve: &results.Curve{Of: "c10k-curve", Idle: idle}}
		for rep := 1; rep <= 2; rep++ {
			for _, p := range perfs {
				rate, ok := p.rate[idle]
				if !ok {
					continue
				}
				const elapsed = 3.0
				reqs := int64(rate * elapsed)
				cpu := p.cpu[idle] * float64(reqs) / 1e6
				answered := idle
				if p.model == "poll" && idle == 10000 && rep == 2 {
					answered = 9990 // a few did not answer their request
				}
				s.Runs = append(s.Runs, results.Run{
					Target: p.model, Rep: rep,
					Load:       &results.Load{Mode: results.ModeClosed, Conns: 50, Elapsed: elapsed, Requests: reqs},
					Resources:  &results.Resources{User: cpu / 2, Sys: cpu / 2},
					Background: &results.Background{Asked: idle, Conns: idle, Answered: answered},
				})
			}
		}
		f.Scenarios = append(f.Scenarios, s)
	}
	return f
}

func TestCurveSectionComesBeforeItsPoints(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	require.NoError(t, Markdown(&b, curveFixture()))
	md := b.String()
	curve := strings.Index(md, "\n## c10k-curve: the curve\n")
	first := strings.Index(md, "\n## c10k-curve/idle=0\n")
	require.Positive(t, curve)
	assert.Less(t, curve, first, "the curve's section comes before its points'")
	assert.Equal(t, 1, strings.Count(md, "## c10k-curve: the curve"))
	assert.Contains(t, md, "A point of [the curve](#c10k-curve-the-curve): 10,000 idle connections held beside the load.")
	assert.Equal(t, "c10k-curve-the-curve", headingID("c10k-curve: the curve"))
	assert.Contains(t, md, "![req/s per model against the idle connections held](charts/c10k-curve-throughput-by-idle.svg)")
	assert.Contains(t, md, "![target CPU per request per model against the idle connections held](charts/c10k-curve-cpu-by-idle.svg)")
}

// The curve's tables hold each model's medians at each count, a dash where
// a model did not run, and a mark where some idle connections did not
// answer.
func TestCurveTables(t *testing.T) {
	t.Parallel()
	a := analyze(curveFixture())
	cs := a.curves()
	require.Len(t, cs, 1)
	c := cs[0]
	assert.Equal(t, []int{0, 100, 900, 10000}, c.idles())
	assert.Equal(t, []string{"select", "poll", "eventloop"}, c.models)
	rates := c.table("req/s", func(x curveCell) string { return fmtRate(x.rate) })
	assert.Equal(t, []string{"select", "30,000", "29,000", "21,000", "–"}, tableRow(t, rates, "select"))
	assert.Equal(t, []string{"poll", "29,000", "28,000", "–", "9,000 ⚠ (held 9,990)"}, tableRow(t, rates, "poll"))
	cpu := c.table("CPU", func(x curveCell) string { return fmtMicros(x.cpu) })
	assert.Equal(t, []string{"eventloop", "10.0 µs", "10.0 µs", "–", "10.4 µs"}, tableRow(t, cpu, "eventloop"))
}

// The sentences are computed from the numbers: the steepest and the
// flattest model between the curve's ends, then each model, steepest
// first.
func TestCurveFindings(t *testing.T) {
	t.Parallel()
	fs := analyze(curveFixture()).curves()[0].findings()
	require.Len(t, fs, 4)
	assert.Equal(t, "From 0 to 10,000 idle connections, `poll`'s CPU per request grows 3.33× (12.0 µs → 40.0 µs); `eventloop`'s stays within 4.0% (10.0 µs → 10.4 µs).", fs[0])
	assert.Equal(t, "`poll`, from 0 to 10,000 idle: CPU per request 12.0 µs → 40.0 µs (3.33×), req/s 29,000 → 9,000 (0.310×).", fs[1])
	assert.True(t, strings.HasPrefix(fs[2], "`select`, from 0 to 900 idle: CPU per request 11.0 µs → 16.0 µs (1.45×)"), fs[2])
	assert.True(t, strings.HasPrefix(fs[3], "`eventloop`"), fs[3])
}

// The curve's charts plot the tables' numbers against the idle count on a
// log axis, 0 a decade below the smallest count's decade, and draw.
func TestCurveChartsPlotTheTables(t *testing.T) {
	t.Parallel()
	a := analyze(curveFixture())
	c := a.curves()[0]
	var curveCharts []Chart
	for _, ch := range a.charts() {
		if ch.curve != nil {
			curveCharts = append(curveCharts, ch)
		}
	}
	require.Len(t, curveCharts, 2)
	for _, ch := range curveCharts {
		fig := ch.figure()
		assert.True(t, fig.x.log, ch.Name)
		assert.InDelta(t, 10, idleTicks{zero: 10, hasZero: true}.Ticks(fig.x.min, fig.x.max)[0].Value, 0)
		require.Len(t, fig.lines, 3)
		for _, l := range fig.lines {
			cells := c.line(l.model)
			require.Len(t, l.pts, len(cells))
			for i, x := range cells {
				wantX := float64(x.idle)
				if x.idle == 0 {
					wantX = 10 // a decade below 100's decade
				}
				assert.Equal(t, wantX, l.pts[i].X, "%s: %s", ch.Name, l.model)
				want := x.rate
				if strings.Contains(ch.Name, "-cpu-") {
					want = x.cpu
				}
				assert.InDelta(t, want, l.pts[i].Y, 1e-9, "%s: %s at %d idle", ch.Name, l.model, x.idle)
			}
		}
		var svg bytes.Buffer
		require.NoError(t, ch.WriteSVG(&svg), ch.Name)
		assert.Contains(t, svg.String(), "10,000")
	}
	var labels []string
	for _, tk := range (idleTicks{zero: 10, hasZero: true}).Ticks(8, 12500) {
		labels = append(labels, tk.Label)
	}
	assert.Equal(t, []string{"0", "100", "1,000", "10,000"}, labels)
}
