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
	limit := before
	limit.threads += threadSlack
	after := settle(pid, &limit)
	// No more than after the first: a leak adds; fewer is the first
	// round's last connections closing late on a busy machine.
	assert.LessOrEqual(t, after.fds, before.fds, "open fds after a second round")
	assert.LessOrEqual(t, after.children, before.children, "child processes after a second round")
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

// settle returns the counts once the first round's connections have
// closed: with want nil, once they hold still (three samples alike, 100 ms
// apart); else once they are down to want's: fds, children and threads
// no more than it has. It gives up after a while and returns the last
// counts.
func settle(pid int, want *procCounts) procCounts {
	deadline := time.Now().Add(30 * time.Second)
	c := countProc(pid)
	for still := 0; time.Now().Before(deadline); {
		if want != nil && c.fds <= want.fds && c.children <= want.children && c.threads <= want.threads {
			return c
		}
		if want == nil && still == 2 {
			return c
		}
		time.Sleep(100 * time.Millisecond)
		prev := c
		if c = countProc(pid); c == prev {
			still++
		} else {
			still = 0
		}
	}
	return c
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
