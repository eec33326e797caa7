package main

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/harness"
	"github.com/corobench/corobench/internal/bound"
	"github.com/corobench/corobench/results"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/fidelitytest"
)

// binary is corobench built once for the tests that run it as a process, as
// the harness does; corobench-child is beside it.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "corobench-test")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "corobench")
	// Installed as the README says, `go install ./cmd/...`, which puts
	// corobench and corobench-child side by side, and built as `make
	// build` builds them: static, with gonum's minimal tag.
	install := exec.Command("go", "install", "-tags", "minimal", "./cmd/...")
	install.Dir = filepath.Join("..", "..")
	install.Env = append(os.Environ(), "CGO_ENABLED=0", "GOBIN="+dir)
	out, err := install.CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "go install ./cmd/...: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// startModel runs `corobench serve -model NAME` and stops it when the test ends.
func startModel(t *testing.T, name string) *harness.Target {
	t.Helper()
	tgt, err := harness.Start(context.Background(), []string{binary, "serve", "-model", name, "-cpu-rate", "500"}, 10*time.Second)
	require.NoError(t, err)
	t.Cleanup(func() { tgt.Kill() })
	return tgt
}

// Every model passes the conformance suite as the process the harness runs.
func TestEveryModelConforms(t *testing.T) {
	names := sortedModels()
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tgt := startModel(t, name)
			assert.Equal(t, name, tgt.Ready.Model)
			conformancetest.Run(t, tgt.Ready.Addr, name)
			assert.NoError(t, tgt.Stop(5*time.Second), "clean exit on SIGTERM")
		})
	}
}

// Each model runs under the GOMAXPROCS its entry says (goroutine-1 on one
// P, the thread models with a P per thread, the rest with the machine's),
// and its ready line gives the parallelism the bound uses.
func TestReadyLineOfModels(t *testing.T) {
	cpus := runtime.GOMAXPROCS(0) // what a fresh process gets here
	for _, m := range models() {
		want := cmp.Or(m.GOMAXPROCS(targets.Config{}), cpus)
		t.Run(m.Name, func(t *testing.T) {
			t.Parallel()
			tgt := startModel(t, m.Name)
			assert.Equal(t, want, tgt.Ready.GOMAXPROCS)
			require.NotNil(t, tgt.Ready.Parallelism, "the ready line says the parallelism")
			p := wantParallelism(m.Name, targets.Config{}, want, cpus)
			assert.Equal(t, bound.Model{Slots: p.Slots, CPU: p.CPU}, *tgt.Ready.Parallelism)
			assert.Equal(t, m.Analogue, tgt.Ready.Analogue)
			assert.Equal(t, m.Textbook, tgt.Ready.Textbook)
		})
	}
}

// SIGTERM lets a request in flight finish before the target exits.
func TestServeFinishesInFlightOnSIGTERM(t *testing.T) {
	t.Parallel()
	for _, name := range sortedModels() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tgt := startModel(t, name)
			c, err := net.DialTimeout("tcp", tgt.Ready.Addr, 10*time.Second)
			require.NoError(t, err)
			defer c.Close()
			require.NoError(t, c.SetDeadline(time.Now().Add(30*time.Second)))
			answers := fidelitytest.InFlight(t, c, "/io?ms=300") // in flight, not merely sent
			require.NoError(t, tgt.Stop(5*time.Second))
			resp, err := http.ReadResponse(answers, nil)
			require.NoError(t, err, "the answer to the request in flight")
			resp.Body.Close()
			assert.Equal(t, 200, resp.StatusCode)
		})
	}
}

func TestRunWritesResultsAndReport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	scenario := filepath.Join(dir, "tiny.yaml")
	require.NoError(t, os.WriteFile(scenario, []byte(`
name: tiny
description: a short smoke run
targets: [goroutine, loop]
load: {connections: 4, duration: 300ms, warmup: 100ms}
requests:
  - path: /cpu?us=50
`), 0o644))
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(binary, "run", "-o", dir, "-cpu-rate", "500", scenario)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "stderr: %s", stderr.String())

	f, err := results.ReadFile(filepath.Join(dir, "results.json"))
	require.NoError(t, err)
	require.Len(t, f.Scenarios, 1)
	runs := f.Scenarios[0].Runs
	require.Len(t, runs, 2)
	for _, r := range runs {
		assert.Empty(t, r.Error, r.Target)
		require.NotNil(t, r.Load, r.Target)
		assert.Positive(t, r.Load.Requests, r.Target)
		assert.Empty(t, r.Load.Errors, r.Target)
	}
	report, err := os.ReadFile(filepath.Join(dir, "REPORT.md"))
	require.NoError(t, err)
	assert.Contains(t, string(report), "## tiny")
	assert.Contains(t, string(report), "| goroutine |")
	assert.Contains(t, string(report), "| loop |")
}

func TestRunRejectsBadScenario(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("name: x\ntargets: [goroutine]\nrequests:\n  - path: health\n"), 0o644))
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"run", "-o", dir, bad}, nil, &stdout, &stderr)
	require.Error(t, err)
	assert.Contains(t, err.Error(), bad+":4: requests.0.path")
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	tests := [][]string{
		{},
		{"nope"},
		{"serve", "-model", "nope"},
		{"load"},
		{"load", "ftp://x"},
		{"run", "-quick", "x.yaml"},
		{"version", "x"},
		{"scenarios", "nope"},
	}
	for _, args := range tests {
		err := run(context.Background(), args, nil, &stdout, &stderr)
		assert.Equal(t, exitUsage, exitCode(err, &stderr), "%q: %v", args, err)
	}
}

func sortedModels() []string {
	var names []string
	for _, m := range models() {
		names = append(names, m.Name)
	}
	slices.Sort(names)
	return names
}
