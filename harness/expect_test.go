package harness

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/results"
)

func TestParseExpect(t *testing.T) {
	t.Parallel()
	s, err := Parse("s.yaml", []byte(`name: s
targets:
  - goroutine
  - name: loop
    expect: ["p99 < 2s"]
requests: [{path: /health}]
expect: [errors == 0, "req/s > 10"]
`))
	require.NoError(t, err)
	str := func(es []results.Expectation) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.String())
		}
		return out
	}
	assert.Equal(t, []string{"errors == 0", "req/s > 10"}, str(s.Expectations("goroutine")))
	assert.Equal(t, []string{"errors == 0", "req/s > 10", "p99 < 2s"}, str(s.Expectations("loop")))
	assert.Len(t, s.Expect, 2, "a target's expect does not grow the scenario's")
}

func TestParseExpectErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"syntax", "name: s\ntargets: [loop]\nrequests: [{path: /health}]\nexpect:\n  - errors == 0\n  - p99 < 50\n",
			`s.yaml:6: expect.1: "p99 < 50": p99 is a time: write it with a unit, such as 50ms`},
		{"not a list", "name: s\ntargets: [loop]\nrequests: [{path: /health}]\nexpect: p99 < 5ms\n",
			`s.yaml:4: expect: want a list, not "p99 < 5ms"`},
		{"not measured", "name: s\ntargets: [loop]\nload: {mode: batch, batch: 2}\nrequests: [{path: /health}]\nexpect: [req/s > 1]\n",
			"s.yaml:5: expect.0: req/s is not measured in load mode batch"},
		{"a target's", "name: s\ntargets:\n  - name: loop\n    expect: [latency < 1s]\nrequests: [{path: /health}]\n",
			`s.yaml:4: targets.0.expect.0: "latency < 1s": unknown metric "latency"`},
		{"idle", "name: s\ntargets: [loop]\nload: {mode: idle}\nexpect: [p99 < 1s, idle-mem < 8KiB]\n",
			"s.yaml:4: expect.0: p99 is not measured in load mode idle"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("s.yaml", []byte(tt.in))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestMeasuredIn(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		metric string
		modes  []string
	}{
		{"req/s", []string{results.ModeClosed, results.ModeOpen}},
		{"p99.9", []string{results.ModeClosed, results.ModeOpen, results.ModeBatch}},
		{"makespan", []string{results.ModeBatch}},
		{"idle-mem", []string{results.ModeIdle}},
		{"failed", []string{results.ModeClosed, results.ModeOpen, results.ModeBatch, results.ModeIdle}},
	} {
		for _, mode := range []string{results.ModeClosed, results.ModeOpen, results.ModeBatch, results.ModeIdle} {
			want := false
			for _, m := range tt.modes {
				want = want || m == mode
			}
			assert.Equal(t, want, MeasuredIn(tt.metric, mode), "%s in %s", tt.metric, mode)
		}
	}
}

// Gates are checked per target, on that target's runs; a skipped target
// is not gated.
func TestScenarioGates(t *testing.T) {
	t.Parallel()
	s, err := Parse("s.yaml", []byte(`name: s
targets:
  - goroutine
  - name: peer
    command: [peer, "{port}"]
  - name: slow
    command: [slow, "{port}"]
    expect: [req/s > 500]
requests: [{path: /health}]
expect: [errors == 0]
`))
	require.NoError(t, err)
	run := func(target string, rps int64, errs int64) results.Run {
		h := results.NewHistogram()
		h.Record(time.Millisecond)
		l := &results.Load{Mode: results.ModeClosed, Elapsed: 1, Requests: rps, Latency: h}
		if errs > 0 {
			l.Errors = map[string]int64{"timeout": errs}
		}
		return results.Run{Target: target, Load: l}
	}
	out := results.Scenario{Name: "s", Runs: []results.Run{
		run("goroutine", 1000, 0), {Target: "peer", Error: SkippedPrefix + "check failed"}, run("slow", 100, 2),
		run("goroutine", 1100, 0), {Target: "peer", Error: SkippedPrefix + "check failed"}, run("slow", 120, 0),
	}}
	gates := s.Gates(out)
	require.Len(t, gates, 3)
	assert.Equal(t, "s / goroutine: errors == 0: PASS (errors 0, mean of 2 runs)", gates[0].String())
	assert.Equal(t, "s / slow: errors == 0: FAIL (errors 1, mean of 2 runs)", gates[1].String())
	assert.Equal(t, "s / slow: req/s > 500: FAIL (req/s 110, median of 2 runs)", gates[2].String())
}

// {build} is the build under test: a whole argument becomes the build's
// words, a part of one is replaced as text; a check may use it, and only it.
func TestBuildPlaceholder(t *testing.T) {
	t.Parallel()
	s, err := Parse("s.yaml", []byte(`name: s
targets:
  - name: a
    command: ["{build}", --port, "{port}"]
  - name: b
    command: [sh, "{build}/run.sh", "{addr}"]
    check: [test, -x, "{build}/run.sh"]
  - name: c
    command: [c, "{port}"]
requests: [{path: /health}]
`))
	require.NoError(t, err)
	assert.True(t, s.Targets[0].UsesBuild())
	assert.True(t, s.Targets[1].UsesBuild())
	assert.False(t, s.Targets[2].UsesBuild())
	assert.Equal(t, []string{"python3", "-u", "v1/server.py", "--port", "80"},
		expand(s.Targets[0].Command, "127.0.0.1", "80", "python3 -u v1/server.py"))
	assert.Equal(t, []string{"sh", "old/run.sh", "127.0.0.1:80"}, expand(s.Targets[1].Command, "127.0.0.1", "80", "old"))
	assert.Equal(t, []string{"test", "-x", "old/run.sh"}, expand(s.Targets[1].Check, "", "", "old"))

	assert.NoError(t, s.Targets[0].CheckBuild("/bin/true"))
	assert.NoError(t, s.Targets[0].CheckBuild("env X=1"), "a command: its first word is found")
	assert.ErrorContains(t, s.Targets[0].CheckBuild("/no/such/server"), "a: ")
	assert.NoError(t, s.Targets[1].CheckBuild("/no/such/dir"), "the build is not the program: not checked")

	_, err = Parse("s.yaml", []byte("name: s\ntargets:\n  - name: a\n    command: [a, \"{port}\"]\n    check: [probe, \"{port}\"]\nrequests: [{path: /health}]\n"))
	assert.ErrorContains(t, err, "s.yaml:5: targets.0.check: unknown placeholder {port}; the placeholders here are {build} (a check runs before the target has an address)")
}
