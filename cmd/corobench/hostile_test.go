package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/corobench/corobench/targets/conformance"
)

// Every model survives the bad-input suite and leaks nothing: after a first
// round has let the model reach its steady state, a second round leaves the
// same number of fds, threads and child processes (and no zombies).
func TestEveryModelSurvivesHostileInput(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("counts come from /proc")
	}
	for _, name := range sortedModels() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tgt := startModel(t, name)
			pid := tgt.Ready.PID
			conformance.RunHostile(t, tgt.Ready.Addr, name)
			before := settle(pid, nil)
			conformance.RunHostile(t, tgt.Ready.Addr, name)
			after := settle(pid, &before)
			assert.Equal(t, before.fds, after.fds, "open fds after a second round")
			assert.Equal(t, before.children, after.children, "child processes after a second round")
			// The Go runtime may keep a few more idle threads (the thread
			// models run with many Ps); a leaked connection thread would
			// add one per case, more than 50 a round.
			assert.LessOrEqual(t, after.threads, before.threads+10, "threads after a second round")
			assert.Zero(t, after.zombies, "zombie children")
			assert.NoError(t, tgt.Stop(5*time.Second))
		})
	}
}

// procCounts is what a process holds, from /proc.
type procCounts struct {
	fds, threads, children, zombies int
}

// settle waits up to a few seconds for the counts to match want (closing
// connections and ending threads take a moment) and returns the last counts.
func settle(pid int, want *procCounts) procCounts {
	deadline := time.Now().Add(5 * time.Second)
	var c procCounts
	for {
		c = countProc(pid)
		if (want != nil && c.fds == want.fds && c.children == want.children && c.threads <= want.threads) ||
			time.Now().After(deadline) {
			return c
		}
		if want == nil {
			time.Sleep(500 * time.Millisecond)
			return countProc(pid)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func countProc(pid int) procCounts {
	dir := filepath.Join("/proc", strconv.Itoa(pid))
	var c procCounts
	if fds, err := os.ReadDir(filepath.Join(dir, "fd")); err == nil {
		c.fds = len(fds)
	}
	if tasks, err := os.ReadDir(filepath.Join(dir, "task")); err == nil {
		c.threads = len(tasks)
	}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so cut at the last ')'.
		fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if len(fields) < 2 || fields[1] != strconv.Itoa(pid) {
			continue
		}
		c.children++
		if fields[0] == "Z" {
			c.zombies++
		}
	}
	return c
}
