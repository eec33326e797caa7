package coro

import (
	"fmt"
	"iter"
	"time"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/internal/poller"
	"github.com/corobench/corobench/targets/internal/evloop"
)

// loop runs the connections' coroutines: it resumes each when what it
// yielded for is ready. Everything here runs on the loop's one OS thread.
type loop struct {
	*evloop.Loop[*conn]
	serve        func(c *conn) // a connection's whole life, in its coroutine
	writeTimeout time.Duration // how long a write may wait for the socket to take something
	onRead       func(loopTID int, b []byte)
	tid          int // the loop's OS thread, known when onRead is set
}

// newLoop returns a loop that serves each connection it accepts with
// serve, in a coroutine of its own, and gives its connections grace to
// finish once stopping.
func newLoop(grace, writeTimeout time.Duration, serve func(*conn), onRead func(int, []byte)) (*loop, error) {
	p, err := poller.New()
	if err != nil {
		return nil, fmt.Errorf("coro: %w", err)
	}
	l := &loop{serve: serve, writeTimeout: writeTimeout, onRead: onRead}
	l.Loop = evloop.New(p, grace, evloop.Handler[*conn]{
		Open: l.open, Ready: l.ready, Expire: l.expire, Resume: l.turn, Stop: l.stop, Close: l.close,
	})
	return l, nil
}

// open starts a new connection's coroutine: Handler.Open.
func (l *loop) open(fd int) {
	if l.onRead != nil && l.tid == 0 {
		l.tid = unix.Gettid() // the loop's, as Open runs on it
	}
	l.resume(l.start(fd, evloop.Readable, l.serve)) // it runs until its first read would block
}

// start files the connection on fd, watched for events, whose coroutine
// runs run when first resumed.
func (l *loop) start(fd int, events uint32, run func(*conn)) *conn {
	c := &conn{fd: fd, l: l, events: events}
	c.timer.Value = c
	c.next, c.stop = iter.Pull(func(yield func(struct{}) bool) {
		c.yield = yield
		run(c)
	})
	l.Put(fd, c)
	return c
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

// turn resumes c, which yielded its turn, was handed lines to write, or
// was aborted: Handler.Resume.
func (l *loop) turn(c *conn) {
	if !c.closed && (c.waitFor == waitTurn || c.waitFor == waitLines || c.aborted && c.waitFor != waitNone) {
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
// request in hand first. A chat member's writer waiting for lines is woken
// to end (see writer.drain). It is Handler.Stop.
func (l *loop) stop(c *conn) {
	switch c.waitFor {
	case waitRead:
		c.deadline = l.Now()
		l.resume(c)
	case waitLines:
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
