package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/internal/proctest"
	"github.com/corobench/corobench/results"
)

// A corobench run killed outright (SIGKILL: no chance to stop anything)
// leaves no target behind: the target dies with it (a parent-death
// signal), and the target's own children with the target.
func TestKilledRunLeavesNoTarget(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("parent-death signals are Linux's")
	}
	t.Parallel()
	dir := t.TempDir()
	scenario := filepath.Join(dir, "long.yaml")
	require.NoError(t, os.WriteFile(scenario, []byte(`
name: long
description: a run that is killed long before it ends
targets: [prefork]
load: {connections: 2, duration: 60s, warmup: 0s}
requests: [{path: "/io?ms=10"}]
pin: {target: all, client: all}
`), 0o644))
	run := exec.Command(binary, "run", "-o", dir, "-cpu-rate", "500", scenario)
	require.NoError(t, run.Start())
	defer run.Process.Kill()

	var tree []int // the target and its workers
	require.Eventually(t, func() bool {
		tree = descendants(t, run.Process.Pid)
		return len(tree) >= 2 // serve and at least one prefork worker
	}, time.Minute, 20*time.Millisecond, "the target and its workers started")
	t.Cleanup(func() { // what a failure would leave behind
		for _, pid := range tree {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	require.NoError(t, run.Process.Signal(syscall.SIGKILL))
	run.Wait()
	assert.Eventually(t, func() bool {
		for _, pid := range tree {
			if proctest.Alive(pid) {
				return false
			}
		}
		return true
	}, time.Minute, 20*time.Millisecond, "processes of the killed run's target still alive: %v", tree)
}

// descendants lists the live processes below pid.
func descendants(t *testing.T, pid int) []int {
	kids, err := proctest.Children(pid)
	require.NoError(t, err)
	var all []int
	for _, k := range kids {
		all = append(all, k.PID)
		all = append(all, descendants(t, k.PID)...)
	}
	return all
}

// In a set of CPUs that does not start at CPU 0 (taskset here; a cgroup
// cpuset alike), a scenario's pins count within the set: "0" is its first
// CPU. A pin beyond the set fails the scenario, naming the key.
func TestPinningCountsWithinTheAllowedCPUs(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.NumCPU() < 2 {
		t.Skip("needs Linux and two CPUs")
	}
	taskset, err := exec.LookPath("taskset")
	if err != nil {
		t.Skip("taskset (util-linux) is not installed")
	}
	t.Parallel()
	last := strconv.Itoa(runtime.NumCPU() - 1)
	scenario := func(pin string) string {
		return `
name: pinned
description: pinned within a set of CPUs that does not start at 0
targets: [goroutine]
load: {connections: 2, duration: 300ms, warmup: 0s}
requests: [{path: /health}]
pin: ` + pin + "\n"
	}
	runIn := func(pin string) (*results.File, string, error) {
		dir := t.TempDir()
		p := filepath.Join(dir, "pinned.yaml")
		require.NoError(t, os.WriteFile(p, []byte(scenario(pin)), 0o644))
		var stderr bytes.Buffer
		cmd := exec.Command(taskset, "-c", last, binary, "run", "-o", dir, "-cpu-rate", "500", p)
		cmd.Stderr = &stderr
		err := cmd.Run()
		f, rerr := results.ReadFile(filepath.Join(dir, "results.json"))
		require.NoError(t, rerr, "stderr: %s", stderr.String())
		return f, stderr.String(), err
	}

	f, stderr, err := runIn(`{target: "0", client: "0"}`)
	require.NoError(t, err, stderr)
	s := f.Scenarios[0]
	assert.Equal(t, last, s.PinTarget, "the first CPU of the set")
	assert.Equal(t, last, s.PinClient)
	run := runsOf(f, "pinned")["goroutine"]
	assert.Empty(t, run.Error)
	require.NotNil(t, run.Load)
	assert.Positive(t, run.Load.Requests)

	f, stderr, err = runIn(`{target: "1", client: "0"}`)
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "exits non-zero: %v", err)
	assert.Contains(t, runsOf(f, "pinned")["goroutine"].Error, "pin.target", stderr)
}
