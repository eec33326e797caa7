package coro

import (
	"context"
	"fmt"
	"iter"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/internal/poller"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/internal/evloop"
)

// loop runs the connections' coroutines: it resumes each when what it
// yielded for is ready. Everything here runs on the loop's one OS thread.
type loop struct {
	*evloop.Loop[*conn]
	app    *targets.App
	ctx    context.Context
	onRead func(loopTID int, b []byte)
	tid    int // the loop's OS thread, known when onRead is set
}

func newLoop(ctx context.Context, app *targets.App, onRead func(int, []byte)) (*loop, error) {
	p, err := poller.New()
	if err != nil {
		return nil, fmt.Errorf("coro: %w", err)
	}
	l := &loop{app: app, ctx: ctx, onRead: onRead}
	l.Loop = evloop.New(p, app.ShutdownGrace, evloop.Handler[*conn]{
		Open: l.open, Ready: l.ready, Expire: l.expire, Resume: l.turn, Stop: l.stop, Close: l.close,
	})
	return l, nil
}

// open starts a new connection's coroutine: Handler.Open.
func (l *loop) open(fd int) {
	if l.onRead != nil && l.tid == 0 {
		l.tid = unix.Gettid() // the loop's, as Open runs on it
	}
	c := &conn{fd: fd, l: l, events: evloop.Readable}
	c.timer.Value = c
	c.next, c.stop = iter.Pull(func(yield func(struct{}) bool) {
		c.yield = yield
		handle(l.ctx, l.app, c)
	})
	l.Put(fd, c)
	l.resume(c) // it runs until its first read would block
}

// ready resumes c if what it waits for came: Handler.Ready.
func (l *loop) ready(c *conn, ev uint32) {
	gone := ev&evloop.Hangup != 0
	switch {
	case c.waitFor == waitRead && (ev&evloop.Readable != 0 || gone),
		c.waitFor == waitWrite && (ev&evloop.Writable != 0 || gone):
		l.resume(c)
	case gone: // sleeping while the client went away: stop hearing of it
		l.Del(c.fd)
		c.events, c.gone = 0, true
	}
}

// expire resumes c when its time has come: Handler.Expire.
func (l *loop) expire(c *conn) {
	if due, ok := c.due(); ok && due > l.Tick() {
		l.Timers().Set(&c.timer, due) // the deadline moved on since it was set
		return
	}
	if c.waitFor != waitNone {
		l.resume(c)
	}
}

// turn resumes c, which yielded its turn: Handler.Resume.
func (l *loop) turn(c *conn) {
	if c.waitFor == waitTurn && !c.closed {
		l.resume(c)
	}
}

// resume switches to c's coroutine until it yields again or ends.
func (l *loop) resume(c *conn) {
	if _, more := c.next(); !more {
		l.finish(c)
		return
	}
	if c.waitFor == waitTurn {
		l.Again(c)
		return
	}
	want := uint32(0)
	switch c.waitFor {
	case waitRead:
		want = evloop.Readable
	case waitWrite:
		want = evloop.Writable
	}
	if want != c.events && !c.gone {
		l.Mod(c.fd, want)
		c.events = want
	}
	if due, ok := c.due(); ok && (!c.timer.Scheduled() || c.timer.When() > due) {
		l.Timers().Set(&c.timer, due)
	}
}

// stop wakes c if it waits to read, past its deadline: between requests it
// ends (ServeConn returns once ctx is done); otherwise it finishes the
// request in hand first. It is Handler.Stop.
func (l *loop) stop(c *conn) {
	if c.waitFor == waitRead {
		c.deadline = l.Now()
		l.resume(c)
	}
}

// close stops c's coroutine, if still alive (Run is returning after a fatal
// error), and closes it: Handler.Close.
func (l *loop) close(c *conn) {
	c.stop()
	l.finish(c)
}

// finish closes a connection whose coroutine has ended.
func (l *loop) finish(c *conn) {
	l.Timers().Stop(&c.timer)
	c.Close()
	l.Forget(c.fd)
}
