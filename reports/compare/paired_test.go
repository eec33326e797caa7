package compare

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/results"
)

func TestScheduleInterleavesABBA(t *testing.T) {
	t.Parallel()
	x, y := Key{"s", "x"}, Key{"s", "y"}
	steps := Schedule([]Key{x, y}, 0, 3)
	require.Len(t, steps, 12)
	var order string
	for _, s := range steps {
		if s.Key == x {
			order += s.Side.String()
		}
	}
	assert.Equal(t, "ABBAAB", order)
	assert.Equal(t, Step{y, 0, A}, steps[2], "every key in turn within a pair")
	assert.Equal(t, 2, steps[11].Pair)

	ext := Schedule([]Key{x}, 10, 12)
	assert.Equal(t, []Step{{x, 10, A}, {x, 10, B}, {x, 11, B}, {x, 11, A}}, ext, "the extension goes on with the same alternation")
}

func TestPairedVerdicts(t *testing.T) {
	t.Parallel()
	a := spec{target: "x", rps: 5000, p99: 10 * time.Millisecond, cpuUS: 50}
	tests := []struct {
		name    string
		b       spec
		pairs   int
		metric  string
		want    Verdict
		unclear bool
	}{
		{name: "same build", b: a, pairs: 10, metric: results.MetricThroughput, want: Pass},
		{name: "25% slower", b: with(a, func(s *spec) { s.rps *= 0.75 }), pairs: 10, metric: results.MetricThroughput, want: Fail},
		{name: "25% faster", b: with(a, func(s *spec) { s.rps *= 1.25 }), pairs: 10, metric: results.MetricThroughput, want: Improved},
		{name: "15% more CPU", b: with(a, func(s *spec) { s.cpuUS *= 1.15 }), pairs: 10, metric: results.MetricCPU, want: Fail},
		{name: "9% slower, noisy: unclear", b: with(a, func(s *spec) { s.rps *= 0.91; s.scale = 3 }), pairs: 10, metric: results.MetricThroughput, want: Warn, unclear: true},
		{name: "p99 doubles: warn-only", b: with(a, func(s *spec) { s.p99 *= 2 }), pairs: 10, metric: results.MetricP99, want: Warn},
		{name: "too few pairs", b: a, pairs: 4, metric: results.MetricThroughput, want: Warn, unclear: true},
		{name: "new errors", b: with(a, func(s *spec) { s.errs = 3 }), pairs: 10, metric: results.MetricErrors, want: Fail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rep := Paired([]PairSet{mkPairs("s", a, tt.b, tt.pairs)})
			require.True(t, rep.Paired)
			row, ok := rowOf(rep, "x", tt.metric)
			require.True(t, ok)
			assert.Equal(t, tt.want, row.Verdict, "%+v", row)
			assert.Equal(t, tt.unclear, row.Unclear, "%+v", row)
			if tt.unclear {
				assert.Equal(t, []Key{{"s", "x"}}, rep.Unclear())
			}
		})
	}
}

func TestPairedRatioInterval(t *testing.T) {
	t.Parallel()
	a := spec{target: "x", rps: 1000, p99: time.Millisecond}
	b := with(a, func(s *spec) { s.rps *= 0.8 })
	rep := Paired([]PairSet{mkPairs("s", a, b, 10)})
	row, _ := rowOf(rep, "x", results.MetricThroughput)
	assert.InDelta(t, -0.2, row.Change, 0.02)
	assert.Less(t, row.Lo, row.Change)
	assert.Greater(t, row.Hi, row.Change)
	assert.InDelta(t, 2.0/1024, row.P, 1e-12, "every pair is slower")
	assert.Equal(t, 10, row.Base.N)
}

// A pair whose A run failed has no ratio; the failed metric catches it.
func TestPairedFailedRun(t *testing.T) {
	t.Parallel()
	a := spec{target: "x", rps: 1000, p99: time.Millisecond}
	set := mkPairs("s", a, a, 10)
	set.Pairs[3].B = &results.Run{Target: "x", Error: "target crashed"}
	rep := Paired([]PairSet{set})
	row, ok := rowOf(rep, "x", results.MetricFailed)
	require.True(t, ok)
	assert.Equal(t, Fail, row.Verdict)
	row, _ = rowOf(rep, "x", results.MetricThroughput)
	assert.Equal(t, 9, row.Base.N)
}

func TestNoiseSuggestsThresholds(t *testing.T) {
	t.Parallel()
	a := spec{target: "x", rps: 1000, p99: time.Millisecond, cpuUS: 20}
	rep := Paired([]PairSet{mkPairs("s", a, a, 10), mkPairs("t", a, with(a, func(s *spec) { s.scale = 2 }), 10)})
	noise := NoiseOf(rep)
	require.NotEmpty(t, noise)
	assert.Equal(t, results.MetricThroughput, noise[0].Metric)
	for _, n := range noise {
		assert.Equal(t, 2, n.Rows)
		assert.Greater(t, n.Spread, 0.0)
		assert.GreaterOrEqual(t, n.Suggest, 2*n.Spread, n.Metric)
		assert.Less(t, n.Suggest, 2*n.Spread+0.01+1e-9, n.Metric)
	}
	few := NoiseOf(Paired([]PairSet{mkPairs("s", a, a, 3)}))
	assert.True(t, math.IsNaN(few[0].Suggest))
}
