package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/perf/benchfmt"

	"github.com/corobench/corobench/results"
)

// writeResults writes a results file of one scenario whose target "x" ran
// five times at about rps req/s, and returns its path.
func writeResults(t *testing.T, name string, rps float64, errs int64) string {
	t.Helper()
	f := &results.File{Version: results.Version, Env: results.Env{OS: "linux", Arch: "amd64", CPU: "Test CPU", Cores: 2, GOMAXPROCS: 2}}
	s := results.Scenario{Name: "io-bound"}
	for i, j := range []float64{0.99, 1.01, 1.0, 0.98, 1.02} {
		h := results.NewHistogram()
		h.Record(10 * time.Millisecond)
		load := &results.Load{Mode: results.ModeClosed, Elapsed: 1, Requests: int64(rps * j), Latency: h}
		if i == 0 && errs > 0 {
			load.Errors = map[string]int64{"timeout": errs}
		}
		s.Runs = append(s.Runs, results.Run{Target: "x", Rep: i + 1, Load: load})
	}
	f.Scenarios = []results.Scenario{s}
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, results.WriteFile(path, f))
	return path
}

func TestCompareExitCodes(t *testing.T) {
	t.Parallel()
	base := writeResults(t, "base.json", 5000, 0)
	tests := []struct {
		name string
		head string
		args []string
		want int
		out  string
	}{
		{name: "same", head: writeResults(t, "same.json", 5000, 0), want: exitOK, out: "verdict: PASS"},
		{name: "slower", head: writeResults(t, "slow.json", 3000, 0), want: exitRegression, out: "verdict: FAIL"},
		{name: "slower, threshold off", head: writeResults(t, "slow.json", 3000, 0), args: []string{"-threshold", "req/s=off"}, want: exitOK},
		{name: "slower, warn only", head: writeResults(t, "slow.json", 3000, 0), args: []string{"-threshold", "req/s=warn"}, want: exitOK, out: "verdict: WARN"},
		{name: "new errors", head: writeResults(t, "errs.json", 5000, 1), want: exitRegression, out: "errors rose from 0 to 0.2 per run"},
		{name: "markdown", head: writeResults(t, "same.json", 5000, 0), args: []string{"-md"}, want: exitOK, out: "| io-bound | x | req/s |"},
		{name: "missing file", head: "/nonexistent.json", want: exitFailed},
		{name: "bad threshold", head: writeResults(t, "same.json", 5000, 0), args: []string{"-threshold", "rps=5%"}, want: exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			args := append(append([]string{"compare"}, tt.args...), base, tt.head)
			err := run(context.Background(), args, nil, &stdout, &stderr)
			assert.Equal(t, tt.want, exitCode(err, &stderr), "err %v, stderr %s", err, stderr.String())
			assert.Contains(t, stdout.String(), tt.out)
		})
	}
}

func TestCompareThresholdsFile(t *testing.T) {
	t.Parallel()
	base := writeResults(t, "base.json", 5000, 0)
	head := writeResults(t, "head.json", 4700, 0) // -6%
	file := filepath.Join(t.TempDir(), "th.yaml")
	require.NoError(t, os.WriteFile(file, []byte("req/s: 3%\n"), 0o644))
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"compare", "-thresholds", file, base, head}, nil, &stdout, &stderr)
	assert.Equal(t, exitRegression, exitCode(err, &stderr), stdout.String())
	// A flag comes after the file and wins.
	err = run(context.Background(), []string{"compare", "-thresholds", file, "-threshold", "req/s=10%", base, head}, nil, &stdout, &stderr)
	assert.Equal(t, exitOK, exitCode(err, &stderr))
}

func TestCompareUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"compare"},
		{"compare", "a.json"},
		{"compare", "-alpha", "2", "a.json", "b.json"},
		{"ab"},
		{"ab", "-pairs", "10", "-max-pairs", "5", "x.yaml"},
	} {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), args, nil, &stdout, &stderr)
		assert.Equal(t, exitUsage, exitCode(err, &stderr), "%q: %v", args, err)
	}
}

func TestBenchfmtCommand(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"report", "-format", "bench", writeResults(t, "r.json", 5000, 0)}, nil, &stdout, &stderr))
	assert.Contains(t, stdout.String(), "Unit req/s better=higher\n")
	r := benchfmt.NewReader(strings.NewReader(stdout.String()), "r.txt")
	n := 0
	for r.Scan() {
		if res, ok := r.Result().(*benchfmt.Result); ok {
			assert.Equal(t, "IoBound/model=x-2", res.Name.String())
			n++
		}
	}
	assert.Equal(t, 5, n)
}

// An A/A run of the real binary, two short pairs: it runs the interleaved
// schedule, writes both sides, and reports the noise.
func TestABSameBuild(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	scenario := filepath.Join(dir, "tiny.yaml")
	require.NoError(t, os.WriteFile(scenario, []byte(`
name: tiny
targets: [goroutine]
load: {connections: 4, duration: 200ms, warmup: 50ms}
requests:
  - path: /cpu?us=20
`), 0o644))
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(binary, "ab", "-a", binary, "-pairs", "2", "-max-pairs", "2", "-cpu-rate", "500", "-o", dir, scenario)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "stderr: %s", stderr.String())

	assert.Contains(t, stderr.String(), "pair 1/2 A tiny / goroutine:")
	assert.Contains(t, stderr.String(), "pair 2/2 B tiny / goroutine:")
	assert.Contains(t, stdout.String(), "too few pairs (2)", "stderr: %s", stderr.String())
	assert.Contains(t, stdout.String(), "A/A: the same build")
	assert.Contains(t, stdout.String(), "verdict: WARN")
	for _, side := range []string{"a.json", "b.json"} {
		f, err := results.ReadFile(filepath.Join(dir, side))
		require.NoError(t, err, side)
		require.Len(t, f.Scenarios, 1)
		runs := f.Scenarios[0].Runs
		require.Len(t, runs, 2, side)
		assert.Equal(t, []int{1, 2}, []int{runs[0].Rep, runs[1].Rep})
		assert.Empty(t, runs[0].Error)
	}
}
