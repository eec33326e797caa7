package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/reports/compare"
	"github.com/corobench/corobench/results"
)

// serverDir is a small net/http server of its own module: a user's server
// that ab compares two builds of.
const serverDir = "testdata/abserver"

// buildServer builds the test server into dir/name; extraWork adds CPU
// work to every request (a slower build).
func buildServer(t *testing.T, dir, name, extraWork string) string {
	t.Helper()
	out := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-ldflags", "-X main.extraWork="+extraWork, "-o", out, ".")
	cmd.Dir = serverDir
	msg, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", msg)
	return out
}

// writeScenario writes a scenario file into dir and returns its path.
func writeScenario(t *testing.T, dir, body string) string {
	t.Helper()
	path := filepath.Join(dir, "s.yaml")
	require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
	return path
}

// The command line of an A/B of builds named by {build}: the builds are
// required and checked; an A/B that no target would see is refused; the
// targets -a and -b do not reach are named as A/A.
func TestABBuildCommandLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	withBuild := writeScenario(t, t.TempDir(), `
name: s
targets:
  - goroutine
  - name: server
    command: ["{build}", -addr, "{addr}"]
requests: [{path: /hello}]
`)
	noBuild := writeScenario(t, dir, `
name: s
targets:
  - name: server
    command: [/bin/true, "{port}"]
requests: [{path: /hello}]
`)
	bin := filepath.Join(dir, "bin")
	require.NoError(t, os.WriteFile(bin, nil, 0o755))
	tests := []struct {
		name string
		args []string
		err  string // "" parses
	}{
		{name: "{build} needs -a", args: []string{withBuild}, err: "give -a OLD and -b NEW"},
		{name: "a build that is not there", args: []string{"-a", "/bin/true", "-b", "/no/server", withBuild}, err: "ab: -b: server: "},
		{name: "a build that is a command", args: []string{"-a", "/bin/true", "-b", "env X=1 /bin/true", withBuild}},
		{name: "builds no target runs", args: []string{"-a", bin, "-b", "/bin/true", noBuild}, err: "no target of these scenarios runs them"},
		{name: "A/A of an external target", args: []string{"-a", bin, noBuild}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stderr bytes.Buffer
			c, err := parseAB(append([]string{"-cpu-rate", "500"}, tt.args...), &stderr)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.NotNil(t, c)
		})
	}

	// Models beside a {build} target are served by this corobench on both
	// sides: their FAILs are noise, said as such, and do not fail the A/B.
	c, err := parseAB([]string{"-cpu-rate", "500", "-a", "/bin/true", "-b", "/bin/echo", "-pairs", "6", "-max-pairs", "12", withBuild}, &bytes.Buffer{})
	require.NoError(t, err)
	assert.Equal(t, map[compare.Key]bool{{Scenario: "s", Target: "goroutine"}: true}, c.plan.same)
	assert.Equal(t, "/bin/true", c.runners[compare.A].Build)
	assert.Equal(t, "/bin/echo", c.runners[compare.B].Build)
	fake := &fakeBuilds{ratio: func(target string, _ int) float64 {
		if target == "goroutine" {
			return 0.5
		}
		return 1
	}}
	var stdout, stderr bytes.Buffer
	err = c.exec(context.Background(), fake.run, &stdout, &stderr)
	assert.NoError(t, err, stdout.String())
	assert.Contains(t, stdout.String(), "A/A for s / goroutine: -a and -b do not reach these targets")
	assert.Contains(t, stdout.String(), "s / goroutine / req/s: A/A: the same on both sides")
	assert.Equal(t, 12, fake.stepsOf("goroutine"), "a target the same on both sides gets no extension")
}

// ab of two builds of a server of one's own, named by {build}: a build
// that does ten times the work per request fails; two builds of the same
// source pass; the verdicts and the scenario's gates are written as JSON.
// The plan is ab's default (10 pairs, 20 for an unclear target), whose
// intervals stand a stray pair or two of a busy machine.
func TestABExternalBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a server and runs A/Bs")
	}
	t.Parallel()
	dir := t.TempDir()
	base := buildServer(t, dir, "base", "0")
	same := buildServer(t, dir, "same", "0")
	slow := buildServer(t, dir, "slow", "200000")
	scenario := filepath.Join(serverDir, "bench", "ab.yaml")
	tests := []struct {
		name string
		b    string
		args []string
		exit int
		// verdicts are those allowed of req/s and cpu/req.
		verdicts []compare.Verdict
	}{
		{name: "slower build", b: slow, exit: exitRegression, verdicts: []compare.Verdict{compare.Fail}},
		// Loose thresholds: the machine's noise must not fail two builds
		// of one source (a test asserts behaviour, not the machine's mood);
		// an interval a busy machine leaves wide is a WARN, which passes.
		{name: "same source", b: same, args: []string{"-threshold", "req/s=50%", "-threshold", "cpu/req=50%"},
			exit: exitOK, verdicts: []compare.Verdict{compare.Pass, compare.Warn}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, tt.name)
			verdicts := filepath.Join(dir, tt.name+".json")
			args := append([]string{"ab", "-a", base, "-b", tt.b, "-cpu-rate", "500",
				"-o", out, "-json", verdicts}, append(tt.args, scenario)...)
			var stdout, stderr bytes.Buffer
			cmd := exec.Command(binary, args...)
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			if exit := (*exec.ExitError)(nil); errors.As(err, &exit) {
				code = exit.ExitCode()
			} else {
				require.NoError(t, err)
			}
			require.Equal(t, tt.exit, code, "stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())

			rep := readVerdicts(t, verdicts)
			assert.True(t, rep.Paired)
			for _, metric := range []string{results.MetricThroughput, results.MetricCPU} {
				row, ok := rowOf(rep, "server", metric)
				require.True(t, ok, metric)
				assert.Contains(t, tt.verdicts, row.Verdict, "%s: %+v", metric, row)
				assert.GreaterOrEqual(t, len(row.Head.Values), row.Head.N, "a value per pair, and a ratio per pair with A > 0")
			}
			require.Len(t, rep.Gates, 2, "the scenario's expect, on B")
			for _, g := range rep.Gates {
				assert.True(t, g.Pass, "%s", g)
			}
			b, err := results.ReadFile(filepath.Join(out, "b.json"))
			require.NoError(t, err)
			assert.Equal(t, tt.b, b.Env.Target, "b.json names the build it measured")
			assert.GreaterOrEqual(t, len(b.Scenarios[0].Runs), compare.DefaultPairs)
			assert.Len(t, b.Gates, 2)
			assert.NotNil(t, b.Env.Build)
		})
	}
}
