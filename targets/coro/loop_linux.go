package coro

import (
	"context"
	"fmt"
	"iter"
	"runtime"
	"time"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/internal/poller"
	"github.com/corobench/corobench/targets"
)

// Back-off of a loop that cannot accept (out of descriptors).
const (
	acceptPauseFirst = 5 * time.Millisecond
	acceptPauseMax   = time.Second
)

// loop runs the connections' coroutines: it resumes each when what it
// yielded for is ready. Everything here runs on one OS thread.
type loop struct {
	app    *targets.App
	ctx    context.Context
	p      *poller.Poller
	timers *poller.Timers[*conn]
	conns  []*conn // by file descriptor
	live   int
	onRead func(loopTID int, b []byte)
	tid    int // the loop's OS thread

	stopping   bool
	fatal      error
	lfd        int
	acceptWait poller.Timer[*conn] // a pause in accepting; Value is nil
	pause      time.Duration
}

func newLoop(app *targets.App, onRead func(int, []byte)) (*loop, error) {
	p, err := poller.New()
	if err != nil {
		return nil, fmt.Errorf("coro: %w", err)
	}
	return &loop{app: app, p: p, timers: poller.NewTimers[*conn](), onRead: onRead, lfd: -1}, nil
}

// run locks the goroutine to its OS thread (every coroutine made here runs
// on it too) and serves until ctx ends and the last connection is done.
func (l *loop) run(ctx context.Context, lfd int) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	l.tid = unix.Gettid()
	defer l.shutdown()
	l.ctx, l.lfd = ctx, lfd
	if err := l.p.Add(lfd, poller.Readable); err != nil {
		return fmt.Errorf("coro: %w", err)
	}
	defer context.AfterFunc(ctx, func() { l.p.Wake() })()
	for {
		if !l.stopping && ctx.Err() != nil {
			l.stop()
		}
		if l.fatal != nil {
			return l.fatal
		}
		if l.stopping && l.live == 0 {
			return nil
		}
		if _, err := l.p.Wait(l.timers.Timeout(l.timers.Now()), l.event); err != nil {
			return fmt.Errorf("coro: %w", err)
		}
		l.fire()
	}
}

// event resumes the coroutine that waits for fd, if what it waits for came.
func (l *loop) event(fd int, ev uint32) {
	if fd == l.lfd {
		l.accept()
		return
	}
	if fd >= len(l.conns) || l.conns[fd] == nil {
		return
	}
	c := l.conns[fd]
	gone := ev&(unix.EPOLLHUP|unix.EPOLLERR) != 0
	switch {
	case c.waitFor == waitRead && (ev&unix.EPOLLIN != 0 || gone),
		c.waitFor == waitWrite && (ev&unix.EPOLLOUT != 0 || gone):
		l.resume(c)
	case gone: // sleeping while the client went away: stop hearing of it
		l.p.Del(fd)
		c.events, c.gone = 0, true
	}
}

// fire resumes the coroutines whose time has come.
func (l *loop) fire() {
	for {
		t, ok := l.timers.Pop(l.timers.Now())
		if !ok {
			return
		}
		if t.Value == nil {
			if l.lfd >= 0 {
				l.p.Mod(l.lfd, poller.Readable)
			}
			continue
		}
		c := t.Value
		if due, ok := c.due(); ok && due > l.timers.Now() {
			l.timers.Set(&c.timer, due) // the deadline moved on since it was set
			continue
		}
		if c.waitFor != waitNone {
			l.resume(c)
		}
	}
}

// resume switches to c's coroutine until it yields again or ends.
func (l *loop) resume(c *conn) {
	if _, more := c.next(); !more {
		l.finish(c)
		return
	}
	want := uint32(0)
	switch c.waitFor {
	case waitRead:
		want = poller.Readable
	case waitWrite:
		want = poller.Writable
	}
	if want != c.events && !c.gone {
		l.p.Mod(c.fd, want)
		c.events = want
	}
	if due, ok := c.due(); ok && (!c.timer.Scheduled() || c.timer.When() > due) {
		l.timers.Set(&c.timer, due)
	}
}

// accept takes every waiting connection and starts its coroutine.
func (l *loop) accept() {
	for {
		fd, err := poller.Accept(l.lfd)
		switch {
		case err == unix.EAGAIN:
			l.pause = 0
			return
		case err != nil && poller.Retryable(err):
			l.pause = min(max(2*l.pause, acceptPauseFirst), acceptPauseMax)
			l.p.Mod(l.lfd, 0)
			l.timers.Set(&l.acceptWait, l.timers.Now()+l.pause)
			return
		case err != nil:
			l.fatal = fmt.Errorf("coro: accept: %w", err)
			return
		}
		if err := l.p.Add(fd, poller.Readable); err != nil {
			unix.Close(fd)
			continue
		}
		c := &conn{fd: fd, l: l, events: poller.Readable}
		c.timer.Value = c
		c.next, c.stop = iter.Pull(func(yield func(struct{}) bool) {
			c.yield = yield
			handle(l.ctx, l.app, c)
		})
		if fd >= len(l.conns) {
			l.conns = append(l.conns, make([]*conn, fd+1-len(l.conns))...)
		}
		l.conns[fd] = c
		l.live++
		l.resume(c) // it runs until its first read would block
	}
}

// stop stops accepting and wakes every coroutine waiting to read, past its
// deadline: between requests it ends (ServeConn returns once ctx is done);
// the others finish the request in hand first.
func (l *loop) stop() {
	l.stopping = true
	if l.lfd >= 0 {
		l.p.Del(l.lfd)
		unix.Close(l.lfd)
		l.lfd = -1
		l.timers.Stop(&l.acceptWait)
	}
	for _, c := range l.conns {
		if c != nil && c.waitFor == waitRead {
			c.deadline = l.timers.Now()
			l.resume(c)
		}
	}
}

// finish closes a connection whose coroutine has ended.
func (l *loop) finish(c *conn) {
	l.timers.Stop(&c.timer)
	c.Close()
	l.conns[c.fd] = nil
	l.live--
}

// shutdown releases what run still holds; coroutines still alive (after a
// fatal error) are stopped.
func (l *loop) shutdown() {
	if l.lfd >= 0 {
		unix.Close(l.lfd)
		l.lfd = -1
	}
	for _, c := range l.conns {
		if c != nil {
			c.stop()
			l.finish(c)
		}
	}
	l.p.Close()
}
