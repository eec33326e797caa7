package main

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/reports/compare"
	"github.com/corobench/corobench/results"
)

// fakeBuilds is an abRunner that starts no process: side A of every target
// serves 1,000 req/s in every pair, side B 1,000 × ratio(target, pair).
type fakeBuilds struct {
	ratio func(target string, pair int) float64
	steps []compare.Step // the steps run, in order
	// cancel, when set, is called once the stopAfter-th step has run.
	cancel    context.CancelFunc
	stopAfter int
}

func (f *fakeBuilds) run(ctx context.Context, st compare.Step) results.Run {
	f.steps = append(f.steps, st)
	if f.cancel != nil && len(f.steps) == f.stopAfter {
		f.cancel()
	}
	rps := 1000.0
	if st.Side == compare.B {
		rps *= f.ratio(st.Target, st.Pair)
	}
	h := results.NewHistogram()
	h.Record(10 * time.Millisecond)
	return results.Run{Target: st.Target,
		Load: &results.Load{Mode: results.ModeClosed, Conns: 4, Elapsed: 1, Requests: int64(rps), Latency: h}}
}

// stepsOf counts the steps run for target.
func (f *fakeBuilds) stepsOf(target string) int {
	n := 0
	for _, st := range f.steps {
		if st.Target == target {
			n++
		}
	}
	return n
}

// Ratios of B to A, per target and pair. Target "x" is always the same on
// both sides; "y" follows the case.
func steady(r float64) func(string, int) float64 {
	return func(target string, _ int) float64 {
		if target == "x" {
			return 1
		}
		return r
	}
}

// noisy is B −15% and +5% in turn: a median of −5% whose interval reaches
// past the 10% threshold, unclear however many pairs.
func noisy(pair int) float64 {
	if pair%2 == 0 {
		return 0.85
	}
	return 1.05
}

// noisyThen is "y" noisy for its first six pairs, then B/A = r; a NaN r
// keeps it noisy.
func noisyThen(r float64) func(string, int) float64 {
	return func(target string, pair int) float64 {
		switch {
		case target == "x":
			return 1
		case pair < 6 || math.IsNaN(r):
			return noisy(pair)
		}
		return r
	}
}

func TestABPolicy(t *testing.T) {
	t.Parallel()
	keys := []compare.Key{{Scenario: "s", Target: "x"}, {Scenario: "s", Target: "y"}}
	tests := []struct {
		name            string
		ratio           func(string, int) float64
		pairs, maxPairs int
		sameBuild       bool
		verdict         compare.Verdict // of "y"'s req/s
		extended        bool
		stepsY          int
		exit            int
		warning         string
	}{
		{name: "clear regression: no extension", ratio: steady(0.75), pairs: 6, maxPairs: 20,
			verdict: compare.Fail, stepsY: 12, exit: exitRegression},
		{name: "clear improvement", ratio: steady(1.25), pairs: 6, maxPairs: 20,
			verdict: compare.Improved, stepsY: 12, exit: exitOK},
		{name: "unclear, then the extension passes it", ratio: noisyThen(1), pairs: 6, maxPairs: 20,
			verdict: compare.Pass, extended: true, stepsY: 40, exit: exitOK, warning: "got the one extension to 20"},
		{name: "unclear, then the extension fails it", ratio: noisyThen(0.8), pairs: 6, maxPairs: 20,
			verdict: compare.Fail, extended: true, stepsY: 40, exit: exitRegression, warning: "this verdict is final"},
		{name: "unclear after the extension too: final", ratio: noisyThen(math.NaN()), pairs: 6, maxPairs: 20,
			verdict: compare.Warn, extended: true, stepsY: 40, exit: exitOK},
		{name: "too few pairs and no extension declared", ratio: steady(0.75), pairs: 4, maxPairs: 4,
			verdict: compare.Warn, stepsY: 8, exit: exitOK},
		{name: "A/A never fails", ratio: steady(0.75), pairs: 6, maxPairs: 20, sameBuild: true,
			verdict: compare.Fail, stepsY: 12, exit: exitOK, warning: "A/A: both sides ran the same build"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := &fakeBuilds{ratio: tt.ratio}
			var log bytes.Buffer
			plan := abPlan{keys: keys, pairs: tt.pairs, maxPairs: tt.maxPairs, sameBuild: tt.sameBuild, log: &log}
			o := plan.run(context.Background(), fake.run)

			row, ok := rowOf(o.report, "y", results.MetricThroughput)
			require.True(t, ok)
			assert.Equal(t, tt.verdict, row.Verdict, "%+v", row)
			assert.Equal(t, tt.stepsY, fake.stepsOf("y"))
			assert.Equal(t, 2*tt.pairs, fake.stepsOf("x"), "a clear target gets no extension")
			if tt.extended {
				assert.Equal(t, []compare.Key{{Scenario: "s", Target: "y"}}, o.extended)
				assert.Contains(t, log.String(), "1 of 2 targets unclear after 6 pairs: the pre-declared extension to 20")
				assert.Contains(t, log.String(), "pair 20/20 ")
				assert.Len(t, o.runs[keys[1]], tt.maxPairs)
			} else {
				assert.Empty(t, o.extended)
				assert.NotContains(t, log.String(), "extension")
			}
			if tt.warning != "" {
				assert.Contains(t, o.report.Warnings[len(o.report.Warnings)-1], tt.warning)
			}
			var stderr bytes.Buffer
			assert.Equal(t, tt.exit, exitCode(o.err(), &stderr), "%v", o.err())
		})
	}
}

// The schedule goes on as compare.Schedule has it, the extension included:
// A B, B A, … pair by pair, every target in turn.
func TestABPolicyOrder(t *testing.T) {
	t.Parallel()
	keys := []compare.Key{{Scenario: "s", Target: "x"}, {Scenario: "s", Target: "y"}}
	fake := &fakeBuilds{ratio: noisyThen(1)}
	plan := abPlan{keys: keys, pairs: 6, maxPairs: 20, log: &bytes.Buffer{}}
	o := plan.run(context.Background(), fake.run)
	want := append(compare.Schedule(keys, 0, 6), compare.Schedule(keys[1:], 6, 20)...)
	assert.Equal(t, want, fake.steps)
	for pair, p := range o.runs[keys[1]] {
		assert.Equal(t, pair+1, p[compare.A].Rep)
		assert.Equal(t, pair+1, p[compare.B].Rep)
	}
}

// An interrupted A/B stops at once, is not extended, judges the pairs it
// finished and fails as the tool does (exit 2), not as a regression.
func TestABPolicyInterrupted(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	keys := []compare.Key{{Scenario: "s", Target: "x"}, {Scenario: "s", Target: "y"}}
	fake := &fakeBuilds{ratio: steady(0.75), cancel: cancel, stopAfter: 5}
	plan := abPlan{keys: keys, pairs: 6, maxPairs: 20, log: &bytes.Buffer{}}
	o := plan.run(ctx, fake.run)

	assert.Len(t, fake.steps, 5, "no step after the interrupt")
	assert.Empty(t, o.extended, "an interrupted A/B gets no extension")
	assert.ErrorIs(t, o.err(), context.Canceled)
	assert.Contains(t, o.report.Warnings, "interrupted: the verdict covers the pairs finished")
	row, ok := rowOf(o.report, "y", results.MetricThroughput)
	require.True(t, ok)
	assert.Equal(t, 1, row.Base.N, "one pair of y finished")
	assert.Equal(t, compare.Warn, row.Verdict)
	var stderr bytes.Buffer
	assert.Equal(t, exitFailed, exitCode(o.err(), &stderr))
}

// The command from its flags to its exit code, with the builds faked:
// what it prints, what it writes, and how it exits.
func TestABCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	scenario := filepath.Join(dir, "s.yaml")
	require.NoError(t, os.WriteFile(scenario, []byte(`
name: s
targets: [goroutine, loop]
load: {connections: 4, duration: 200ms, warmup: 50ms}
requests:
  - path: /cpu?us=20
`), 0o644))
	old, new := filepath.Join(dir, "old"), filepath.Join(dir, "new")
	for _, bin := range []string{old, new} {
		require.NoError(t, os.WriteFile(bin, nil, 0o755))
	}
	slower := func(target string, _ int) float64 {
		if target == "loop" {
			return 0.75
		}
		return 1
	}
	tests := []struct {
		name      string
		args      []string
		cancelled bool
		exit      int
		out       []string
		written   string // the -o directory
	}{
		{name: "regression", args: []string{"-a", old, "-b", new, "-o", filepath.Join(dir, "ab")},
			exit: exitRegression, out: []string{"verdict: FAIL"}, written: filepath.Join(dir, "ab")},
		{name: "regression, markdown", args: []string{"-a", old, "-b", new, "-md"},
			exit: exitRegression, out: []string{"| s | loop | req/s |"}},
		{name: "regression allowed by a threshold", args: []string{"-a", old, "-b", new, "-threshold", "req/s=30%"},
			exit: exitOK, out: []string{"verdict: PASS"}},
		{name: "A/A", args: []string{"-a", old},
			exit: exitOK, out: []string{"verdict: FAIL", "A/A: the same build on both sides", "Suggested thresholds"}},
		{name: "interrupted", args: []string{"-a", old, "-b", new}, cancelled: true,
			exit: exitFailed, out: []string{"interrupted: the verdict covers the pairs finished"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			fake := &fakeBuilds{ratio: slower}
			if tt.cancelled {
				fake.cancel, fake.stopAfter = cancel, 3
			}
			var stdout, stderr bytes.Buffer
			args := append(append([]string{"-pairs", "6", "-max-pairs", "12", "-cpu-rate", "500"}, tt.args...), scenario)
			c, err := parseAB(args, &stderr)
			require.NoError(t, err)
			err = c.exec(ctx, fake.run, &stdout, &stderr)
			assert.Equal(t, tt.exit, exitCode(err, &stderr), "err %v, stderr %s", err, stderr.String())
			for _, s := range tt.out {
				assert.Contains(t, stdout.String(), s)
			}
			if tt.written == "" {
				return
			}
			for _, side := range []string{"a.json", "b.json"} {
				f, err := results.ReadFile(filepath.Join(tt.written, side))
				require.NoError(t, err, side)
				require.Len(t, f.Scenarios, 1)
				assert.Len(t, f.Scenarios[0].Runs, 12, "%s: 6 pairs of 2 targets", side)
			}
		})
	}
}

// rowOf returns the row of metric for target.
func rowOf(r *compare.Report, target, metric string) (compare.Row, bool) {
	for _, row := range r.Rows {
		if row.Target == target && row.Metric == metric {
			return row, true
		}
	}
	return compare.Row{}, false
}
