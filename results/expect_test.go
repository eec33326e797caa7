package results

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseExpectation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Expectation
		err  string // a part of the error; "" parses
	}{
		{in: "p99 < 50ms", want: Expectation{Metric: "p99", Op: "<", Value: 50, Unit: "ms"}},
		{in: "errors == 0", want: Expectation{Metric: "errors", Op: "==", Value: 0}},
		{in: "req/s > 1000", want: Expectation{Metric: "req/s", Op: ">", Value: 1000}},
		{in: "cpu/req < 200us", want: Expectation{Metric: "cpu/req", Op: "<", Value: 200, Unit: "us"}},
		{in: "cpu/req<=1.5µs", want: Expectation{Metric: "cpu/req", Op: "<=", Value: 1.5, Unit: "µs"}},
		{in: "  p99.9 >= 2 s ", want: Expectation{Metric: "p99.9", Op: ">=", Value: 2, Unit: "s"}},
		{in: "p50 < 3ms", want: Expectation{Metric: "p50", Op: "<", Value: 3, Unit: "ms"}},
		{in: "idle-mem < 4KiB", want: Expectation{Metric: "idle-mem", Op: "<", Value: 4, Unit: "KiB"}},
		{in: "makespan <= 1.2s", want: Expectation{Metric: "makespan", Op: "<=", Value: 1.2, Unit: "s"}},
		{in: "failed == 0", want: Expectation{Metric: "failed", Op: "==", Value: 0}},

		{in: "p99", err: "want METRIC OP VALUE"},
		{in: "", err: "want METRIC OP VALUE"},
		{in: "p99 != 5ms", err: `"!=" is not a comparator`},
		{in: "p99 =< 5ms", err: `"=<" is not a comparator`},
		{in: "p99 = 5ms", err: `"=" is not a comparator`},
		{in: "latency < 5ms", err: `unknown metric "latency"`},
		{in: "p0 < 5ms", err: `unknown metric "p0"`},
		{in: "p100 < 5ms", err: `unknown metric "p100"`},
		{in: " < 5ms", err: `unknown metric ""`},
		{in: "p99 < 50", err: "p99 is a time: write it with a unit, such as 50ms"},
		{in: "p99 < 50min", err: "p99 is a time"},
		{in: "p99 < -5ms", err: `"-5ms" is not a number`},
		{in: "p99 < ms", err: `"ms" is not a number`},
		{in: "p99 < 1e3ms", err: "p99 is a time"},
		{in: "req/s > 1k", err: "req/s is a rate: write a plain number"},
		{in: "errors == 0 errors", err: "errors is a count per run: write a plain number"},
		{in: "idle-mem < 4", err: "idle-mem is a size: write it with a unit, such as 4KiB"},
		{in: "p99 < 5ms < 6ms", err: "p99 is a time"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			e, err := ParseExpectation(tt.in)
			if tt.err != "" {
				require.Error(t, err)
				assert.ErrorIs(t, err, ErrExpectation)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, e)
			again, err := ParseExpectation(e.String())
			require.NoError(t, err, e.String())
			assert.Equal(t, e, again, "String reads back")
		})
	}
}

func TestExpectationHolds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expect string
		value  float64 // in the base unit
		holds  bool
	}{
		{"p99 < 50ms", 0.049, true},
		{"p99 < 50ms", 0.050, false},
		{"p99 <= 50ms", 0.050, true},
		{"p99 <= 50ms", 0.0501, false},
		{"cpu/req < 200us", 150e-6, true},
		{"cpu/req < 200µs", 250e-6, false},
		{"req/s > 1000", 1000, false},
		{"req/s >= 1000", 1000, true},
		{"errors == 0", 0, true},
		{"errors == 0", 0.5, false},
		{"idle-mem < 4KiB", 4000, true},
		{"idle-mem < 4kB", 4000, false},
	}
	for _, tt := range tests {
		e, err := ParseExpectation(tt.expect)
		require.NoError(t, err)
		assert.Equal(t, tt.holds, e.Holds(tt.value), "%s at %v", tt.expect, tt.value)
	}
}

// A gate measures the median of a metric over the runs (the mean per run of
// a count), says how it measured it, and fails when nothing measured it.
func TestExpectationCheck(t *testing.T) {
	t.Parallel()
	run := func(rps int64, p99 time.Duration, errs int64) *Run {
		h := NewHistogram()
		h.Record(p99)
		l := &Load{Mode: ModeClosed, Elapsed: 1, Requests: rps, Latency: h}
		if errs > 0 {
			l.Errors = map[string]int64{"reset": errs}
		}
		return &Run{Target: "t", Load: l}
	}
	runs := []*Run{run(900, 40*time.Millisecond, 0), run(1100, 60*time.Millisecond, 0), run(1000, 45*time.Millisecond, 3)}
	check := func(s string) Gate {
		e, err := ParseExpectation(s)
		require.NoError(t, err)
		return e.Check("s", "t", runs)
	}

	g := check("p99 < 50ms")
	assert.True(t, g.Pass, "median p99 is 45ms")
	assert.Equal(t, 3, g.Runs)
	assert.Equal(t, "s / t: p99 < 50ms: PASS (p99 45ms, median of 3 runs)", g.String())

	g = check("req/s > 1000")
	assert.False(t, g.Pass, "median 1000 is not above 1000")
	assert.Equal(t, "s / t: req/s > 1000: FAIL (req/s 1000, median of 3 runs)", g.String())

	g = check("errors == 0")
	assert.False(t, g.Pass)
	assert.Equal(t, "s / t: errors == 0: FAIL (errors 1, mean of 3 runs)", g.String())

	g = check("cpu/req < 1ms")
	assert.False(t, g.Pass, "no run sampled the target's CPU")
	assert.Nil(t, g.Value)
	assert.Equal(t, "s / t: cpu/req < 1ms: FAIL (cpu/req not measured)", g.String())

	g = check("p99.9 < 1s")
	assert.True(t, g.Pass)
	require.NotNil(t, g.Value)
	assert.InDelta(t, 0.045, *g.Value, 0.001)
}

// The parser never panics; what it accepts reads back the same, with a
// finite, non-negative bound.
func FuzzParseExpectation(f *testing.F) {
	for _, s := range []string{"p99 < 50ms", "errors == 0", "req/s > 1000", "cpu/req < 200us",
		"p99.9>=1.5s", "idle-mem <= 4KiB", "makespan < 2s", "p50 < 1µs", "failed == 0", "p99 != 1ms", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseExpectation(s)
		if err != nil {
			return
		}
		if math.IsNaN(e.Value) || math.IsInf(e.Value, 0) || e.Value < 0 {
			t.Fatalf("%q: bound %v", s, e.Value)
		}
		again, err := ParseExpectation(e.String())
		if err != nil {
			t.Fatalf("%q reads as %q, which does not parse: %v", s, e.String(), err)
		}
		if again != e {
			t.Fatalf("%q reads as %+v, its String %q as %+v", s, e, e.String(), again)
		}
		e.Holds(1) // never panics
	})
}
