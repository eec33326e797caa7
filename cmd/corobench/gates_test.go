package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/reports/compare"
	"github.com/corobench/corobench/results"
	"github.com/corobench/corobench/scenarios"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/goroutine"
)

// load -expect: gates that hold exit 0, one that breaks exits 1, and a
// gate load cannot measure is a usage error; the gates are printed with
// what was measured, and saved in -json.
func TestLoadExpect(t *testing.T) {
	t.Parallel()
	addr := conformancetest.Serve(t, goroutine.New(targets.Config{App: conformancetest.App("goroutine")}))
	tests := []struct {
		name string
		args []string
		exit int
		out  []string
	}{
		{name: "gates hold", args: []string{"-expect", "errors == 0", "-expect", "req/s > 0", "-expect", "p99 < 60s"}, exit: exitOK,
			out: []string{"expect: load / " + addr + ": errors == 0: PASS (errors 0, 1 run)", ": req/s > 0: PASS (req/s ", ": p99 < 60s: PASS (p99 "}},
		{name: "a gate breaks", args: []string{"-expect", "errors == 0", "-expect", "req/s > 1000000000"}, exit: exitRegression,
			out: []string{"errors == 0: PASS", "req/s > 1000000000: FAIL (req/s "}},
		{name: "bench output keeps stdout clean", args: []string{"-bench", "-expect", "req/s > 1000000000"}, exit: exitRegression},
		{name: "the target's CPU is not load's to measure", args: []string{"-expect", "cpu/req < 1ms"}, exit: exitUsage},
		{name: "a batch has no req/s", args: []string{"-batch", "2", "-expect", "req/s > 1"}, exit: exitUsage},
		{name: "a time needs a unit", args: []string{"-expect", "p99 < 50"}, exit: exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			file := filepath.Join(t.TempDir(), "load.json")
			var stdout, stderr bytes.Buffer
			args := append(append([]string{"load", "-q", "-c", "2", "-d", "200ms", "-json", file}, tt.args...), "http://"+addr+"/health")
			err := run(context.Background(), args, nil, &stdout, &stderr)
			require.Equal(t, tt.exit, exitCode(err, &stderr), "err %v\nstdout %s\nstderr %s", err, stdout.String(), stderr.String())
			for _, s := range tt.out {
				assert.Contains(t, stdout.String(), s)
			}
			if tt.exit == exitUsage {
				return
			}
			f, err := results.ReadFile(file)
			require.NoError(t, err)
			require.Len(t, f.Gates, countOf(tt.args, "-expect"))
			if tt.args[0] == "-bench" {
				assert.NotContains(t, stdout.String(), "expect:", "benchstat would read it as a configuration line")
				assert.Contains(t, stderr.String(), "expect: ")
			}
		})
	}
}

func countOf(args []string, flag string) int {
	n := 0
	for _, a := range args {
		if a == flag {
			n++
		}
	}
	return n
}

// run: a scenario's expect and a target's own are checked per target;
// all holding exits 0, one breaking exits 1, and results.json keeps them.
func TestRunExpect(t *testing.T) {
	t.Parallel()
	const scenario = `
name: gated
targets:
  - goroutine
  - name: goroutine-1
    expect: [%q]
load: {connections: 2, duration: 200ms, warmup: 50ms}
requests: [{path: /health}]
expect: ["errors == 0", "req/s > 0", "p99 < 60s", "cpu/req < 1s"]
pin: {target: all, client: all}
`
	for _, tt := range []struct {
		name, own string
		exit      int
	}{
		{name: "hold", own: "failed == 0", exit: 0},
		{name: "break", own: "p99 < 1ns", exit: exitRegression},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, stderr, err := runSuite(t, map[string]string{"gated.yaml": fmt.Sprintf(scenario, tt.own)})
			var exit *exec.ExitError
			if tt.exit == 0 {
				require.NoError(t, err, stderr)
			} else {
				require.True(t, errors.As(err, &exit), "%v", err)
				assert.Equal(t, tt.exit, exit.ExitCode(), stderr)
				assert.Contains(t, stderr, "expectations failed: 1 of 9")
			}
			require.Len(t, f.Gates, 9, "4 per target, and goroutine-1's own")
			for _, g := range f.Gates {
				assert.Equal(t, "gated", g.Scenario)
				require.NotNil(t, g.Value, g.Expect)
				assert.Equal(t, g.Expect != "p99 < 1ns", g.Pass, "%s", g)
			}
			assert.Equal(t, "goroutine-1", f.Gates[8].Target)
		})
	}
}

// writeFewRuns writes a results file of one target with two runs at rps.
func writeFewRuns(t *testing.T, name string, rps float64) string {
	t.Helper()
	path := writeResults(t, name, rps, 0)
	f, err := results.ReadFile(path)
	require.NoError(t, err)
	f.Scenarios[0].Runs = f.Scenarios[0].Runs[:2]
	require.NoError(t, results.WriteFile(path, f))
	return path
}

// readVerdicts reads a file of JSON verdicts (compare or ab -json).
func readVerdicts(t *testing.T, path string) *compare.Report {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	rep, err := compare.ReadJSON(bytes.NewReader(data))
	require.NoError(t, err)
	return rep
}

// compare -json writes the verdicts as data that reads back; too few runs
// to fail say so apart from the table, and -strict makes it exit 3.
func TestCompareJSONAndStrict(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base, slow := writeResults(t, "base.json", 5000, 0), writeResults(t, "slow.json", 3000, 0)
	verdicts := filepath.Join(dir, "verdicts.json")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"compare", "-json", verdicts, base, slow}, nil, &stdout, &stderr)
	assert.Equal(t, exitRegression, exitCode(err, &stderr))
	assert.Contains(t, stdout.String(), "verdict: FAIL", "the table is still written")
	rep := readVerdicts(t, verdicts)
	assert.Equal(t, compare.Fail, rep.Verdict())
	row, ok := rowOf(rep, "x", results.MetricThroughput)
	require.True(t, ok)
	assert.Len(t, row.Head.Values, 5)
	assert.InDelta(t, -0.4, row.Change, 0.01)

	stdout.Reset()
	err = run(context.Background(), []string{"compare", "-json", "-", base, slow}, nil, &stdout, &stderr)
	assert.Equal(t, exitRegression, exitCode(err, &stderr))
	_, err = compare.ReadJSON(bytes.NewReader(stdout.Bytes()))
	require.NoError(t, err, "-json - writes JSON alone: %s", stdout.String())

	few, fewSlow := writeFewRuns(t, "few.json", 5000), writeFewRuns(t, "few-slow.json", 3000)
	for _, tt := range []struct {
		args []string
		exit int
	}{
		{args: []string{few, fewSlow}, exit: exitOK},
		{args: []string{"-strict", few, fewSlow}, exit: exitInconclusive},
		{args: []string{"-strict", base, slow}, exit: exitRegression},
		{args: []string{"-strict", base, base}, exit: exitOK},
	} {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), append([]string{"compare"}, tt.args...), nil, &stdout, &stderr)
		assert.Equal(t, tt.exit, exitCode(err, &stderr), "%q: %v", tt.args, err)
		if tt.args[1] == fewSlow {
			assert.Contains(t, stderr.String(), "rows had too few runs to FAIL", "said apart from the table")
			assert.Contains(t, stdout.String(), "too few runs: 2 of 3 rows could not FAIL")
		}
	}
}

// version says what the binary is; every results file records it.
func TestVersion(t *testing.T) {
	t.Parallel()
	out, err := exec.Command(binary, "version").Output()
	require.NoError(t, err)
	for _, s := range []string{"corobench ", "module  github.com/corobench/corobench", "go      go1.", "tags    minimal", "cgo     CGO_ENABLED=0"} {
		assert.Contains(t, string(out), s)
	}
	var stdout bytes.Buffer
	require.NoError(t, writeVersion(&stdout, &results.Build{Version: "v1.2.0", Commit: "abc", Modified: true, GoVersion: "go1.26.8"}, false))
	assert.Contains(t, stdout.String(), "corobench v1.2.0\n")
	assert.Contains(t, stdout.String(), "commit  abc (modified)\n")
	assert.Equal(t, "abcdef012345+dirty", shortCommit(&results.Build{Commit: "abcdef0123456789", Modified: true}))
	assert.Equal(t, thisBuild(), environment().Build)
}

// scenarios lists the suite in the binary and prints a file of it; run and
// ab take its names where no file has them.
func TestScenariosCommand(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"scenarios"}, nil, &stdout, &stderr))
	assert.Regexp(t, `(?m)^cpu-bound +default,quick +loop,`, stdout.String())
	assert.Regexp(t, `(?m)^check/cpu +- +goroutine,loop `, stdout.String())

	stdout.Reset()
	require.NoError(t, run(context.Background(), []string{"scenarios", "check/cpu"}, nil, &stdout, &stderr))
	want, err := os.ReadFile("../../scenarios/check/cpu.yaml")
	require.NoError(t, err)
	assert.Equal(t, string(want), stdout.String())

	err = run(context.Background(), []string{"scenarios", "nope"}, nil, &stdout, &stderr)
	assert.Equal(t, exitUsage, exitCode(err, &stderr))

	for arg, n := range map[string]int{"check/cpu": 1, "scenarios/check/*.yaml": 2, "embedded:cpu-bound.yaml": 1, "io-bound": 1} {
		suite, err := loadScenarios([]string{arg})
		require.NoError(t, err, arg)
		assert.Len(t, suite, n, arg)
		assert.Contains(t, suite[0].File(), embeddedPrefix, arg)
	}
	_, err = loadScenarios([]string{"no/such"})
	assert.ErrorContains(t, err, "no/such: no such file, nor a scenario of that name in this binary")
	suite, err := runSuiteOf(nil, false)
	require.NoError(t, err)
	assert.Len(t, suite, len(scenarios.Default()), "the default suite")
	suite, err = runSuiteOf(nil, true)
	require.NoError(t, err)
	assert.Len(t, suite, len(scenarios.Quick()), "the quick suite")
	_, err = runSuiteOf([]string{"x.yaml"}, true)
	assert.ErrorIs(t, err, errUsage)
}
