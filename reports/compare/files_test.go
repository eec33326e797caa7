package compare

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/results"
)

func TestFilesVerdicts(t *testing.T) {
	t.Parallel()
	base := spec{target: "x", reps: 5, rps: 5000, p99: 20 * time.Millisecond, cpuUS: 100}
	tests := []struct {
		name   string
		head   spec
		metric string
		want   Verdict
		note   string
	}{
		{name: "same", head: base, metric: results.MetricThroughput, want: Pass},
		{name: "30% slower", head: with(base, func(s *spec) { s.rps *= 0.7 }), metric: results.MetricThroughput, want: Fail},
		{name: "30% faster", head: with(base, func(s *spec) { s.rps *= 1.3 }), metric: results.MetricThroughput, want: Improved},
		{name: "5% slower is within 10%", head: with(base, func(s *spec) { s.rps *= 0.95 }), metric: results.MetricThroughput, want: Pass},
		{name: "20% more CPU", head: with(base, func(s *spec) { s.cpuUS *= 1.2 }), metric: results.MetricCPU, want: Fail},
		{name: "p99 40% worse only warns", head: with(base, func(s *spec) { s.p99 = s.p99 * 14 / 10 }), metric: results.MetricP99, want: Warn, note: "warn-only"},
		{name: "one new error fails", head: with(base, func(s *spec) { s.errs = 1 }), metric: results.MetricErrors, want: Fail, note: "rose from 0 to 0.2"},
		{name: "fewer errors", head: base, metric: results.MetricErrors, want: Pass},
		{name: "no resources in head", head: with(base, func(s *spec) { s.cpuUS = 0 }), metric: results.MetricCPU, want: Warn, note: "head has no cpu/req"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rep := Files(mkFile("io", base), mkFile("io", tt.head))
			row, ok := rowOf(rep, "x", tt.metric)
			require.True(t, ok, "row %s", tt.metric)
			assert.Equal(t, tt.want, row.Verdict, "row %+v", row)
			if tt.note != "" {
				assert.Contains(t, row.Notes, row.Notes[0])
				assert.Contains(t, row.Notes[0], tt.note)
			}
			assert.Empty(t, rep.Warnings)
		})
	}
}

func with(s spec, f func(*spec)) spec {
	f(&s)
	return s
}

// Too few repetitions to detect anything is a warning, however large the
// change looks.
func TestFilesTooFewRunsWarns(t *testing.T) {
	t.Parallel()
	b := spec{target: "x", reps: 2, rps: 5000, p99: time.Millisecond}
	h := with(b, func(s *spec) { s.rps /= 2 })
	rep := Files(mkFile("io", b), mkFile("io", h))
	row, ok := rowOf(rep, "x", results.MetricThroughput)
	require.True(t, ok)
	assert.Equal(t, Warn, row.Verdict)
	require.NotEmpty(t, row.Notes)
	assert.Contains(t, row.Notes[0], "too few runs (2+2)")
	assert.Contains(t, row.Notes[0], "4 runs on each side")
	assert.Equal(t, Warn, rep.Verdict())
}

func TestFilesIntervalAndP(t *testing.T) {
	t.Parallel()
	b := spec{target: "x", reps: 10, rps: 1000, p99: time.Millisecond}
	h := with(b, func(s *spec) { s.rps *= 0.8 })
	rep := Files(mkFile("s", b), mkFile("s", h))
	row, ok := rowOf(rep, "x", results.MetricThroughput)
	require.True(t, ok)
	assert.InDelta(t, -0.2, row.Change, 0.01)
	assert.Less(t, row.Lo, -0.2+1e-9)
	assert.Greater(t, row.Hi, -0.2-1e-9)
	assert.Less(t, row.Hi, 0.0, "the interval excludes no change")
	assert.Less(t, row.P, 0.001)
	assert.Equal(t, 10, row.Base.N)
}

func TestFilesMissingTargetAndMachines(t *testing.T) {
	t.Parallel()
	b := mkFile("s", spec{target: "x", reps: 5, rps: 100, p99: time.Millisecond}, spec{target: "gone", reps: 5, rps: 100, p99: time.Millisecond})
	h := mkFile("s", spec{target: "x", reps: 5, rps: 100, p99: time.Millisecond}, spec{target: "new", reps: 5, rps: 100, p99: time.Millisecond})
	h.Env.Cores = 8
	rep := Files(b, h)
	assert.Contains(t, rep.Warnings, "s / gone: missing in head")
	assert.Contains(t, rep.Warnings, "s / new: only in head, not compared")
	assert.Contains(t, rep.Warnings[0], "different machines")
	row, ok := rowOf(rep, "gone", results.MetricFailed)
	require.True(t, ok)
	assert.Equal(t, Warn, row.Verdict)
}

func TestThresholdsChangeVerdicts(t *testing.T) {
	t.Parallel()
	b := spec{target: "x", reps: 5, rps: 5000, p99: 20 * time.Millisecond}
	h := with(b, func(s *spec) { s.rps *= 0.95; s.p99 *= 2 })
	th := Thresholds{}
	require.NoError(t, th.Set("req/s=3%"))
	require.NoError(t, th.Set("p99=fail"))
	rep := Files(mkFile("s", b), mkFile("s", h), WithThresholds(th))
	row, _ := rowOf(rep, "x", results.MetricThroughput)
	assert.Equal(t, Fail, row.Verdict)
	row, _ = rowOf(rep, "x", results.MetricP99)
	assert.Equal(t, Fail, row.Verdict, "p99 keeps its 25%% limit but now fails")

	require.NoError(t, th.Set("req/s=off"))
	rep = Files(mkFile("s", b), mkFile("s", h), WithThresholds(th))
	_, ok := rowOf(rep, "x", results.MetricThroughput)
	assert.False(t, ok, "an off metric has no row")
}

func TestReportVerdict(t *testing.T) {
	t.Parallel()
	tests := []struct {
		rows []Verdict
		want Verdict
	}{
		{nil, Pass},
		{[]Verdict{Pass, Improved}, Pass},
		{[]Verdict{Improved, Warn}, Warn},
		{[]Verdict{Fail, Warn, Improved}, Fail},
	}
	for _, tt := range tests {
		r := &Report{}
		for _, v := range tt.rows {
			r.Rows = append(r.Rows, Row{Verdict: v})
		}
		assert.Equal(t, tt.want, r.Verdict(), "%v", tt.rows)
	}
}

func TestGeomean(t *testing.T) {
	t.Parallel()
	b := mkFile("s", spec{target: "x", reps: 5, rps: 100, p99: time.Millisecond}, spec{target: "y", reps: 5, rps: 400, p99: time.Millisecond})
	h := mkFile("s", spec{target: "x", reps: 5, rps: 200, p99: time.Millisecond}, spec{target: "y", reps: 5, rps: 200, p99: time.Millisecond})
	rep := Files(b, h)
	var g *Row
	for i := range rep.Geomean {
		if rep.Geomean[i].Metric == results.MetricThroughput {
			g = &rep.Geomean[i]
		}
	}
	require.NotNil(t, g)
	assert.InDelta(t, 200, g.Base.Center, 0.5)
	assert.InDelta(t, 200, g.Head.Center, 0.5)
	assert.InDelta(t, 0, g.Change, 1e-3, "×2 and ×½ cancel")
	assert.True(t, math.IsNaN(g.P))
}
