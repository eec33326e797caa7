package main

import (
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/corobench/corobench/harness"
	"github.com/corobench/corobench/internal/proctest"
	"github.com/corobench/corobench/targets/conformancetest"
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
			leaksNothing(t, tgt, func() { conformancetest.RunHostile(t, tgt.Ready.Addr, name) })
		})
	}
}

// leaksNothing runs round twice against tgt: after the first has let the
// model reach its steady state, the second leaves the same number of fds,
// threads and child processes (and no zombies). Then tgt stops cleanly.
func leaksNothing(t *testing.T, tgt *harness.Target, round func()) {
	leaksNothingBut(t, tgt, 10, round)
}

// leaksNothingBut is leaksNothing allowing threadSlack more threads after
// the second round than after the first.
func leaksNothingBut(t *testing.T, tgt *harness.Target, threadSlack int, round func()) {
	pid := tgt.Ready.PID
	round()
	before := settle(pid, nil)
	round()
	after := settle(pid, &before)
	assert.Equal(t, before.fds, after.fds, "open fds after a second round")
	assert.Equal(t, before.children, after.children, "child processes after a second round")
	// The Go runtime may keep a few more idle threads (the thread models
	// run with many Ps); a leaked connection thread would add one per
	// case, more than 50 a round.
	assert.LessOrEqual(t, after.threads, before.threads+threadSlack, "threads after a second round")
	assert.Zero(t, after.zombies, "zombie children")
	assert.NoError(t, tgt.Stop(5*time.Second))
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
	var c procCounts
	c.fds, _ = proctest.FDs(pid)
	c.threads, _ = proctest.Threads(pid)
	kids, _ := proctest.Children(pid)
	c.children = len(kids)
	for _, k := range kids {
		if k.State == 'Z' {
			c.zombies++
		}
	}
	return c
}
