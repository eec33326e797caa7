package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/results"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/goroutine"
)

// runSuite writes the scenario files into a temporary directory and runs
// corobench run on them as a process, as make bench does.
func runSuite(t *testing.T, files map[string]string, args ...string) (*results.File, string, error) {
	t.Helper()
	return runSuiteWith(t, binary, files, args...)
}

// runSuiteWith is runSuite with the corobench executable bin.
func runSuiteWith(t *testing.T, bin string, files map[string]string, args ...string) (*results.File, string, error) {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for name, body := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		paths = append(paths, p)
	}
	var stderr bytes.Buffer
	cmd, hung := boundedCommand(t, bin, append(append([]string{"run", "-o", dir, "-cpu-rate", "500"}, args...), paths...)...)
	cmd.Stderr = &stderr
	err := cmd.Run()
	if hung() {
		t.Fatalf("%s hung: no exit within its bound; its goroutines on SIGQUIT:\n%s", cmd, stderr.String())
	}
	f, rerr := results.ReadFile(filepath.Join(dir, "results.json"))
	require.NoError(t, rerr, "stderr: %s", stderr.String())
	return f, stderr.String(), err
}

// subprocessBound is how long a test waits for a corobench command it runs:
// far beyond any test's, a bound on a hang only.
const subprocessBound = 3 * time.Minute

// boundedCommand is exec.Command, bounded: a command that outlives
// subprocessBound (or nears the test binary's own deadline) is sent
// SIGQUIT, which puts its goroutines' stacks on its stderr for the test to
// show, and is killed 10s later. hung reports whether that happened, once
// the command has been waited for.
func boundedCommand(t *testing.T, name string, args ...string) (cmd *exec.Cmd, hung func() bool) {
	t.Helper()
	bound := subprocessBound
	if d, ok := t.Deadline(); ok {
		bound = min(bound, time.Until(d)-30*time.Second)
	}
	ctx, cancel := context.WithTimeout(context.Background(), bound)
	t.Cleanup(cancel)
	cmd = exec.CommandContext(ctx, name, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGQUIT) }
	cmd.WaitDelay = 10 * time.Second
	return cmd, func() bool { return ctx.Err() != nil }
}

func runsOf(f *results.File, scenario string) map[string]results.Run {
	out := map[string]results.Run{}
	for _, s := range f.Scenarios {
		if s.Name == scenario {
			for _, r := range s.Runs {
				out[r.Target] = r
			}
		}
	}
	return out
}

// A target that dies mid-run is recorded, the suite goes on, and the
// command fails at the end naming it.
func TestRunRecordsACrashAndGoesOn(t *testing.T) {
	t.Parallel()
	crash := fmt.Sprintf(`'%s' serve -model goroutine -cpu-rate 500 -addr {addr} & sleep 1; kill -9 $!; exit 1`, binary)
	f, stderr, err := runSuite(t, map[string]string{"crash.yaml": fmt.Sprintf(`
name: crash
description: one target is killed a second into its run
targets:
  - name: doomed
    command: [sh, -c, %q]
  - goroutine
load: {connections: 4, duration: 2s, warmup: 100ms}
requests: [{path: "/io?ms=5"}]
pin: {target: all, client: all}
`, crash)})
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "exits non-zero: %v", err)
	assert.Contains(t, stderr, "1 of 2 runs failed")
	runs := runsOf(f, "crash")
	assert.Contains(t, runs["doomed"].Error, "target exited during the run")
	assert.Empty(t, runs["goroutine"].Error, "the suite went on")
	require.NotNil(t, runs["goroutine"].Load)
	assert.Positive(t, runs["goroutine"].Load.Requests)
}

// An external target is started by its command on the port it is given;
// one whose check fails is skipped, which is not a failure.
func TestRunExternalTargets(t *testing.T) {
	t.Parallel()
	f, stderr, err := runSuite(t, map[string]string{"ext.yaml": fmt.Sprintf(`
name: ext
description: corobench itself, as an external command, and one that cannot run here
targets:
  - name: self
    command: [%q, serve, -model, goroutine, -cpu-rate, "500", -addr, "{addr}"]
    ready: 'line: "addr"'
    env: {COROBENCH_TEST: "1"}
    parallelism: 100
  - name: missing
    command: [/nonexistent/server, "{port}"]
    check: [/bin/sh, -c, "echo no such runtime >&2; exit 3"]
load: {connections: 4, duration: 300ms, warmup: 100ms}
requests: [{path: "/io?ms=5"}]
`, binary)})
	require.NoError(t, err, stderr)
	runs := runsOf(f, "ext")
	self := runs["self"]
	assert.Empty(t, self.Error)
	require.NotNil(t, self.Load)
	assert.Positive(t, self.Load.Requests)
	require.NotNil(t, self.Resources)
	assert.Positive(t, self.Resources.PeakRSS)
	require.NotNil(t, self.Bound, "its parallelism gives it a bound")
	assert.Equal(t, 4, self.Bound.Parallelism)
	assert.Contains(t, runs["missing"].Error, "skipped: ")
	assert.Contains(t, runs["missing"].Error, "no such runtime")
}

// Batch, open loop, a connection per request and idle connections, end to end.
func TestRunLoadModes(t *testing.T) {
	t.Parallel()
	f, stderr, err := runSuite(t, map[string]string{
		"batch.yaml": `
name: batch
targets: [goroutine]
load: {mode: batch, batch: 5}
requests: [{path: "/io?ms=50"}]
`,
		"open.yaml": `
name: open
targets: [goroutine]
load: {mode: open, rate: 200, connections: 20, duration: 500ms, warmup: 100ms}
requests: [{path: /health}]
`,
		"churn.yaml": `
name: churn
targets: [goroutine]
load: {connections: 2, duration: 500ms, warmup: 1ms, conn_per_request: true}
requests: [{path: "/cpu?us=50"}]
`,
		"idle.yaml": `
name: idle
targets: [goroutine, loop]
load: {mode: idle, connections: 100, connections_by_target: {loop: 20}, touch: true, duration: 100ms}
`,
		"unknown.yaml": `
name: unknown
targets: [no-such-model]
requests: [{path: /health}]
load: {duration: 100ms}
`,
	})
	require.Error(t, err, "the unknown model fails the suite")
	assert.Contains(t, stderr, `unknown model "no-such-model"`)

	b := runsOf(f, "batch")["goroutine"]
	require.NotNil(t, b.Load, b.Error)
	assert.Equal(t, results.ModeBatch, b.Load.Mode)
	assert.Positive(t, b.Load.Makespan)
	require.NotNil(t, b.Bound)
	assert.InDelta(t, 0.05, b.Bound.Makespan, 1e-9)

	o := runsOf(f, "open")["goroutine"]
	require.NotNil(t, o.Load, o.Error)
	assert.Equal(t, results.ModeOpen, o.Load.Mode)

	// The churn's window opens with its first requests (a warm-up of 1ms):
	// whatever the machine's load, each connection's first request is in it,
	// answered or still unanswered at its end.
	c := runsOf(f, "churn")["goroutine"]
	require.NotNil(t, c.Load, c.Error)
	assert.True(t, c.Load.ConnPerRequest)
	assert.Positive(t, c.Load.Requests+c.Load.Unfinished, "requests in the window, answered or not")
	assert.Empty(t, c.Load.Errors)

	idle := runsOf(f, "idle")
	g := idle["goroutine"].Idle
	require.NotNil(t, g, idle["goroutine"].Error)
	assert.Equal(t, 100, g.Asked)
	assert.Equal(t, 100, g.Conns)
	assert.Equal(t, 100, g.Answered)
	assert.Positive(t, g.PSS)
	l := idle["loop"].Idle
	require.NotNil(t, l, idle["loop"].Error)
	assert.Equal(t, 20, l.Conns, "the kernel accepts them into the backlog")
	assert.Equal(t, 1, l.Answered, "the loop serves one connection at a time")

	u := runsOf(f, "unknown")["no-such-model"]
	assert.Equal(t, `did not start: unknown model "no-such-model": this corobench does not have it`, u.Error)

	kinds := map[string]string{}
	for _, s := range f.Scenarios {
		kinds[s.Name] = s.Kind
	}
	assert.Equal(t, map[string]string{"batch": "batch", "open": "throughput", "churn": "throughput",
		"idle": "idle", "unknown": "throughput"}, kinds)
}

// A scenario with idle connections in the background gives one scenario per
// idle count, each run recording what the target held beside the load.
func TestRunBackgroundIdleCurve(t *testing.T) {
	t.Parallel()
	f, stderr, err := runSuite(t, map[string]string{"curve.yaml": `
name: curve
description: two points of a curve, select's own
targets: [select, poll]
load: {connections: 4, duration: 300ms, warmup: 100ms, background_idle: [0, 30], background_idle_by_target: {select: [0, 20]}}
requests: [{path: /health}]
`})
	require.NoError(t, err, stderr)
	var names []string
	for _, s := range f.Scenarios {
		names = append(names, s.Name)
		require.NotNil(t, s.Curve, s.Name)
		assert.Equal(t, "curve", s.Curve.Of)
		assert.Equal(t, fmt.Sprintf("curve/idle=%d", s.Curve.Idle), s.Name)
		for _, r := range s.Runs {
			require.NotNil(t, r.Load, r.Error)
			assert.Positive(t, r.Load.Requests)
			require.NotNil(t, r.Background)
			assert.Equal(t, results.Background{Asked: s.Curve.Idle, Conns: s.Curve.Idle, Answered: s.Curve.Idle}, *r.Background)
		}
	}
	assert.Equal(t, []string{"curve/idle=0", "curve/idle=20", "curve/idle=30"}, names)
	assert.Len(t, runsOf(f, "curve/idle=0"), 2)
	assert.Contains(t, runsOf(f, "curve/idle=20"), "select")
	assert.NotContains(t, runsOf(f, "curve/idle=20"), "poll")
	assert.Contains(t, runsOf(f, "curve/idle=30"), "poll")
	assert.NotContains(t, runsOf(f, "curve/idle=30"), "select")
}

// Ctrl-C stops the suite and the results hold what was measured.
func TestRunInterruptWritesResults(t *testing.T) {
	t.Parallel()
	// The first target is served here, so that the test sees the run's
	// requests arrive: it interrupts once some have been answered, whatever
	// the machine's speed. The window opens at once (a warm-up of 1ms).
	app := conformancetest.App("goroutine")
	far := conformancetest.Serve(t, goroutine.New(targets.Config{App: app}))
	dir := t.TempDir()
	p := filepath.Join(dir, "long.yaml")
	require.NoError(t, os.WriteFile(p, []byte(`
name: long
targets:
  - name: far
    address: http://`+far+`
  - name: loop
load: {connections: 2, duration: 60s, warmup: 1ms}
requests: [{path: "/io?ms=5"}]
`), 0o644))
	cmd := exec.Command(binary, "run", "-o", dir, "-cpu-rate", "500", p)
	var stderr syncBuffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	// Two connections, each sending once answered: with 10 answered, the
	// client has had at least 8 answers, in the window.
	require.Eventually(t, func() bool { return answered(t, far) >= 10 },
		60*time.Second, 20*time.Millisecond, "the first run's requests were answered")
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	err := cmd.Wait()
	require.Error(t, err)
	assert.Contains(t, stderr.String(), "interrupted")
	f, err := results.ReadFile(filepath.Join(dir, "results.json"))
	require.NoError(t, err)
	require.Len(t, f.Scenarios, 1)
	require.Len(t, f.Scenarios[0].Runs, 1, "the loop never started")
	assert.Equal(t, "far", f.Scenarios[0].Runs[0].Target)
	r := f.Scenarios[0].Runs[0]
	require.NotNil(t, r.Load)
	assert.Positive(t, r.Load.Requests)
	assert.True(t, strings.Contains(strings.Join(f.Warnings, " "), "interrupted"))
}

// -targets runs only the targets named, drops what a scenario says of the
// others (connections_by_target), skips a scenario left with none, and
// refuses a name no scenario has.
func TestRunOnlyTargets(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"idle.yaml": `
name: idle
targets: [goroutine, loop]
load: {mode: idle, connections: 20, connections_by_target: {loop: 5}, duration: 100ms}
`,
		"loop-only.yaml": `
name: loop-only
targets: [loop]
load: {connections: 1, duration: 200ms}
requests: [{path: /health}]
`,
	}
	f, stderr, err := runSuite(t, files, "-targets", "goroutine")
	require.NoError(t, err, stderr)
	require.Len(t, f.Scenarios, 1, "loop-only has none of -targets")
	assert.Contains(t, stderr, "loop-only: none of -targets; skipped")
	runs := runsOf(f, "idle")
	assert.Len(t, runs, 1)
	assert.Contains(t, runs, "goroutine")

	dir := t.TempDir()
	p := filepath.Join(dir, "idle.yaml")
	require.NoError(t, os.WriteFile(p, []byte(files["idle.yaml"]), 0o644))
	out, err := exec.Command(binary, "run", "-o", dir, "-targets", "gorutine", p).CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), `-targets: "gorutine" is a target of none of the scenarios`)
}

// A remote target, already running: loaded, neither started nor sampled,
// and the report says why its CPU and memory columns are empty.
func TestRunRemoteTarget(t *testing.T) {
	t.Parallel()
	addr := conformancetest.Serve(t, goroutine.New(targets.Config{App: conformancetest.App("far")}))
	f, stderr, err := runSuite(t, map[string]string{"remote.yaml": fmt.Sprintf(`
name: remote
description: a server already running, by its address
targets:
  - name: far
    address: %s
load: {connections: 2, duration: 300ms, warmup: 100ms}
requests: [{path: "/cpu?us=10", headers: {X-Trace: "1"}}]
`, addr)})
	require.NoError(t, err, stderr)
	far := runsOf(f, "remote")["far"]
	assert.Empty(t, far.Error)
	assert.True(t, far.Remote)
	assert.Nil(t, far.Resources)
	require.NotNil(t, far.Load)
	assert.Positive(t, far.Load.Requests)
	assert.Empty(t, far.Load.Errors)

	dir := t.TempDir()
	require.NoError(t, results.WriteFile(filepath.Join(dir, "results.json"), f))
	var stdout, errOut bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"report", "-o", dir, filepath.Join(dir, "results.json")}, nil, &stdout, &errOut), errOut.String())
	report, err := os.ReadFile(filepath.Join(dir, "REPORT.md"))
	require.NoError(t, err)
	assert.Contains(t, string(report), "a remote target: not started or sampled here, so its CPU and memory columns are empty")
}

// Results that cannot be written where they were asked keep what the suite
// measured: the suite goes on, the results go to the temporary directory,
// and the command fails saying where they are.
func TestRunKeepsResultsItCannotWrite(t *testing.T) {
	t.Parallel()
	dir, tmp := t.TempDir(), t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "results.json"), 0o755), "a directory where the file would go")
	scenario := filepath.Join(dir, "s.yaml")
	require.NoError(t, os.WriteFile(scenario, []byte(`
name: kept
targets: [goroutine]
load: {connections: 2, duration: 300ms, warmup: 100ms}
requests: [{path: /health}]
pin: {target: all, client: all}
`), 0o644))
	second := filepath.Join(dir, "t.yaml")
	require.NoError(t, os.WriteFile(second, []byte("name: second\ntargets: [goroutine]\nload: {connections: 2, duration: 300ms, warmup: 100ms}\nrequests: [{path: /health}]\npin: {target: all, client: all}\n"), 0o644))
	var stderr bytes.Buffer
	cmd := exec.Command(binary, "run", "-o", dir, "-cpu-rate", "500", scenario, second)
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "exits non-zero: %v; stderr: %s", err, stderr.String())
	assert.Contains(t, stderr.String(), "the suite goes on")
	kept, _ := filepath.Glob(filepath.Join(tmp, "corobench-results-*.json"))
	require.Len(t, kept, 1, "stderr: %s", stderr.String())
	assert.Contains(t, stderr.String(), "the results were written to "+kept[0])
	f, err := results.ReadFile(kept[0])
	require.NoError(t, err)
	for _, name := range []string{"kept", "second"} {
		runs := runsOf(f, name)
		require.Contains(t, runs, "goroutine", "scenario %s", name)
		require.NotNil(t, runs["goroutine"].Load, "scenario %s", name)
		assert.Positive(t, runs["goroutine"].Load.Requests, "scenario %s", name)
	}
}

// answered is how many requests the corobench target at addr has
// answered, from its /stats.
func answered(t *testing.T, addr string) int64 {
	c, err := net.DialTimeout("tcp", addr, conformancetest.Timeout)
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.SetDeadline(time.Now().Add(conformancetest.Timeout)))
	_, err = io.WriteString(c, "GET /stats HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
	require.NoError(t, err)
	b, err := io.ReadAll(c)
	require.NoError(t, err)
	_, body, _ := strings.Cut(string(b), "\r\n\r\n")
	var n int64
	_, err = fmt.Sscanf(body, "requests %d", &n)
	require.NoError(t, err, "/stats body %q", body)
	return n
}
