package evloop

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/corobench/corobench/internal/poller"
)

// Handler is what a model does on the loop, called on the loop's thread.
// C is its connection, kept by the loop under its file descriptor.
type Handler[C comparable] struct {
	// Open starts serving a new connection on fd, which the loop already
	// watches for Readable; it files the connection with Loop.Put.
	Open func(fd int)
	// Ready handles the events the multiplexer reported for c's socket.
	Ready func(c C, events uint32)
	// Expire handles c's timer, which fired (Loop.Now is its time).
	Expire func(c C)
	// Resume gives c the turn it asked for with Loop.Again.
	Resume func(c C)
	// Stop tells c that the loop stops: the connection closes now if it has
	// no request in flight, else once that is answered.
	Stop func(c C)
	// Close closes c at once: Run is returning with c still open, or the
	// loop's grace has ended with c still open.
	Close func(c C)
	// Turned, when set, is called once the connections ready at a wait,
	// the timers due and the turns asked for have all been handled, before
	// the loop waits again: work that gathers over a turn (writes to many
	// sockets) is done there once, not once per ready connection.
	Turned func()
	// Refuse, when set, turns away a new connection on fd that the
	// multiplexer cannot watch (err says why: select's FD_SETSIZE); it
	// closes fd. Unset, the loop closes it.
	Refuse func(fd int, err error)
}

// Loop is one event loop. Only Run's thread touches it, but Wake.
type Loop[C comparable] struct {
	h       Handler[C]
	mux     Multiplexer
	forget  Forgetter // mux, if it keeps its own set
	timers  *poller.Timers[C]
	conns   []C // by file descriptor
	live    int
	now     time.Duration // the timers' clock, as last read
	eventFn func(fd int, events uint32)

	again, turn []C // connections that asked for another turn; those taking it

	grace      time.Duration
	graceTimer poller.Timer[C] // the end of the grace once stopping
	stopping   bool
	fatal      error

	lfd        int       // the listening socket, or -1
	onAccept   func(int) // where accepted connections go; nil: Open
	onWake     func()
	acceptWait poller.Timer[C] // a pause in accepting
	pause      time.Duration
}

// New returns a loop waiting in mux and serving connections with h; it
// owns mux. Once stopping, it lets its connections finish for grace, then
// closes those still open. Run runs it; Close releases a loop that will not
// run.
func New[C comparable](mux Multiplexer, grace time.Duration, h Handler[C]) *Loop[C] {
	l := &Loop[C]{h: h, mux: mux, timers: poller.NewTimers[C](), lfd: -1, grace: grace}
	l.forget, _ = mux.(Forgetter)
	l.eventFn = l.event // made once: a Wait allocates nothing
	return l
}

// Run locks the calling goroutine to its OS thread and serves until ctx
// ends and the last connection is gone. When lfd is a listening socket (else
// -1), Run accepts on it, drained to EAGAIN at each wake-up, and closes it
// when ctx ends. Run closes the loop's descriptors before it returns.
func (l *Loop[C]) Run(ctx context.Context, lfd int) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	defer l.shutdown()
	if lfd >= 0 {
		l.lfd = lfd
		if err := l.mux.Add(lfd, Readable); err != nil {
			return fmt.Errorf("evloop: %w", err)
		}
	}
	defer context.AfterFunc(ctx, func() { l.mux.Wake() })()
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
		timeout := l.timers.Timeout(l.timers.Now())
		if len(l.again) > 0 {
			timeout = 0 // the others ready now go first, then those turns
		}
		woken, err := l.mux.Wait(timeout, l.eventFn)
		if err != nil {
			return fmt.Errorf("evloop: %w", err)
		}
		if woken && l.onWake != nil {
			l.Tick()
			l.onWake()
		}
		l.fire()
		l.turns()
		if l.h.Turned != nil {
			l.h.Turned()
		}
	}
}

// Again gives c another turn once every connection ready now has had its
// own: Handler.Resume is called with c after the loop's next wait (which
// does not sleep). A connection that has answered its share of requests
// asks for it, rather than answer the rest of what it read while the
// others wait.
func (l *Loop[C]) Again(c C) { l.again = append(l.again, c) }

// turns gives the connections that asked for another turn theirs.
func (l *Loop[C]) turns() {
	if len(l.again) == 0 {
		return
	}
	l.turn, l.again = l.again, l.turn[:0]
	l.Tick()
	var none C
	for i, c := range l.turn {
		l.turn[i] = none
		l.h.Resume(c)
	}
}

// event handles one ready descriptor.
func (l *Loop[C]) event(fd int, events uint32) {
	if fd == l.lfd {
		l.accept()
		return
	}
	var none C
	if fd < len(l.conns) && l.conns[fd] != none {
		l.h.Ready(l.conns[fd], events)
	}
}

// fire handles the timers that are due.
func (l *Loop[C]) fire() {
	l.Tick()
	for {
		t, ok := l.timers.Pop(l.now)
		if !ok {
			return
		}
		switch t {
		case &l.acceptWait:
			l.listen()
			continue
		case &l.graceTimer:
			l.closeAll()
			continue
		}
		l.h.Expire(t.Value)
	}
}

// stop stops accepting and tells every connection; those still open when
// the grace ends are closed.
func (l *Loop[C]) stop() {
	l.stopping = true
	l.closeListener()
	l.timers.Set(&l.graceTimer, l.Tick()+l.grace)
	var none C
	for _, c := range l.conns {
		if c != none {
			l.h.Stop(c)
		}
	}
}

// shutdown releases everything Run still holds.
func (l *Loop[C]) shutdown() {
	l.closeListener()
	l.closeAll()
	l.timers.Stop(&l.graceTimer)
	l.mux.Close()
}

// closeAll closes every connection still open.
func (l *Loop[C]) closeAll() {
	var none C
	for _, c := range l.conns {
		if c != none {
			l.h.Close(c)
		}
	}
}

// Put files c, the connection on fd, from Handler.Open.
func (l *Loop[C]) Put(fd int, c C) {
	if fd >= len(l.conns) {
		l.conns = append(l.conns, make([]C, fd+1-len(l.conns))...)
	}
	l.conns[fd] = c
	l.live++
}

// Forget takes the connection on fd out of the loop once its socket is
// closed.
func (l *Loop[C]) Forget(fd int) {
	var none C
	l.conns[fd] = none
	l.live--
	if l.forget != nil {
		l.forget.Forget(fd)
	}
}

// Timers is the loop's heap of timers: each connection embeds its own.
func (l *Loop[C]) Timers() *poller.Timers[C] { return l.timers }

// Now is the time on the timers' clock when the loop last read it: before it
// fires timers, accepts or takes connections woken for, and at each Tick.
func (l *Loop[C]) Now() time.Duration { return l.now }

// Tick reads the clock again (work took time) and returns Now.
func (l *Loop[C]) Tick() time.Duration {
	l.now = l.timers.Now()
	return l.now
}

// Stopping reports that the loop's context has ended.
func (l *Loop[C]) Stopping() bool { return l.stopping }

// Mod changes what fd is watched for; see Multiplexer.
func (l *Loop[C]) Mod(fd int, events uint32) error { return l.mux.Mod(fd, events) }

// Del stops watching fd, which stays open.
func (l *Loop[C]) Del(fd int) error { return l.mux.Del(fd) }

// Close releases a loop that will not Run; Run releases its own.
func (l *Loop[C]) Close() error { return l.mux.Close() }

// Watch watches fd, which the loop did not accept, for events.
func (l *Loop[C]) Watch(fd int, events uint32) error { return l.mux.Add(fd, events) }
