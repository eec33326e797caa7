package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/harness"
	"github.com/corobench/corobench/internal/proctest"
	"github.com/corobench/corobench/results"
)

// The multi-process models start the child program installed beside
// corobench (TestMain installs both with go install ./cmd/...), not
// corobench itself, and say nothing of it.
func TestChildProgramServes(t *testing.T) {
	t.Parallel()
	child := filepath.Join(filepath.Dir(binary), childProgram)
	require.FileExists(t, child, "go install ./cmd/... installs the child program too")
	for _, model := range []string{"process", "prefork"} {
		t.Run(model, func(t *testing.T) {
			t.Parallel()
			tgt := startModel(t, model)
			assert.Empty(t, tgt.Ready.Warnings)
			c := servedConn(t, tgt.Ready.Addr)
			defer c.Close()
			for _, k := range childrenOf(t, tgt.PID()) {
				assert.Equal(t, child, k.exe, "child %d: %q", k.pid, k.cmdline)
			}
		})
	}
}

// Without the child program beside it, corobench starts itself as the
// child, and says so on stderr, in its ready line and in the results.
func TestChildFallsBackToSelf(t *testing.T) {
	t.Parallel()
	alone := filepath.Join(t.TempDir(), "corobench")
	copyFile(t, binary, alone)

	for _, model := range []string{"process", "prefork"} {
		t.Run(model, func(t *testing.T) {
			t.Parallel()
			var stderr syncBuffer
			cmd := exec.Command(alone, "serve", "-model", model, "-cpu-rate", "500")
			cmd.Stderr = &stderr
			stdout, err := cmd.StdoutPipe()
			require.NoError(t, err)
			require.NoError(t, cmd.Start())
			defer func() { cmd.Process.Kill(); cmd.Wait() }()
			line, err := bufio.NewReader(stdout).ReadString('\n')
			require.NoError(t, err, "stderr: %s", stderr.String())
			var ready harness.Ready
			require.NoError(t, json.Unmarshal([]byte(line), &ready))

			require.Len(t, ready.Warnings, 1)
			assert.Contains(t, ready.Warnings[0], childProgram+" not found beside "+alone)
			// stderr arrives through a pipe of its own, maybe after the ready line.
			assert.Eventually(t, func() bool { return strings.Contains(stderr.String(), "corobench: warning: "+ready.Warnings[0]) },
				5*time.Second, 10*time.Millisecond, "the warning on stderr: %q", stderr.String())
			c := servedConn(t, ready.Addr)
			defer c.Close()
			kids := childrenOf(t, ready.PID)
			require.NotEmpty(t, kids)
			for _, k := range kids {
				assert.Equal(t, alone, k.exe, "child %d", k.pid)
				assert.Equal(t, childCommand, k.cmdline[1], "child %d: %q", k.pid, k.cmdline)
			}
		})
	}

	f, _, err := runSuiteWith(t, alone, map[string]string{"one.yaml": `
name: one
targets: [process]
load: {connections: 2, duration: 200ms, warmup: 50ms, conn_per_request: true}
requests: [{path: /health}]
pin: {target: all, client: all}
`})
	require.NoError(t, err)
	run := runsOf(f, "one")["process"]
	assert.Contains(t, strings.Join(run.Warnings, "\n"), childProgram+" not found beside")
	start := f.Env.Start(results.StartChild)
	require.NotNil(t, start, "the suite measured the child's start")
	assert.Equal(t, []string{alone, childCommand}, start.Command)
}

// A suite measures what a process start costs before it runs anything:
// true, and the process model's child program.
func TestRunMeasuresStarts(t *testing.T) {
	t.Parallel()
	f, _, err := runSuite(t, map[string]string{"one.yaml": `
name: one
targets: [goroutine]
load: {connections: 2, duration: 200ms, warmup: 50ms}
requests: [{path: /health}]
pin: {target: all, client: all}
`})
	require.NoError(t, err)
	assert.Empty(t, f.Warnings)
	for name, cmd := range map[string]string{results.StartTrue: "true", results.StartChild: childProgram} {
		s := f.Env.Start(name)
		require.NotNil(t, s, name)
		require.NotEmpty(t, s.Command, name)
		assert.Equal(t, cmd, filepath.Base(s.Command[0]), name)
		assert.Equal(t, startRuns, s.Runs, name)
		assert.Positive(t, s.Wall, name)
		assert.Positive(t, s.CPU, name)
	}
}

// servedConn opens a keep-alive connection to addr and has one request
// answered on it, so a child serves it by the time it returns.
func servedConn(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	require.NoError(t, err)
	c.SetDeadline(time.Now().Add(10 * time.Second))
	_, err = io.WriteString(c, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	line, err := bufio.NewReader(c).ReadString('\n')
	require.NoError(t, err)
	require.Contains(t, line, "200")
	return c
}

type childProc struct {
	pid     int
	exe     string
	cmdline []string
}

// childrenOf are the live children of pid, with what they execute.
func childrenOf(t *testing.T, pid int) []childProc {
	t.Helper()
	kids, err := proctest.Children(pid)
	require.NoError(t, err)
	var out []childProc
	for _, k := range kids {
		exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", k.PID))
		require.NoError(t, err)
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", k.PID))
		require.NoError(t, err)
		out = append(out, childProc{k.PID, exe, strings.Split(strings.TrimRight(string(raw), "\x00"), "\x00")})
	}
	return out
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(to, b, 0o755))
}

// syncBuffer is a strings.Builder that a process's stderr may write to
// while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
