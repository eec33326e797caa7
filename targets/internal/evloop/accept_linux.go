package evloop

import (
	"context"
	"fmt"
	"net"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/internal/poller"
	"github.com/corobench/corobench/targets"
)

// Serve is a Server's Serve for a model of loops: it gives run a
// non-blocking duplicate of ln's socket, for run's accepting Loop.Run, which
// closes it, and closes ln when ctx ends or run fails. When the duplicate
// cannot be made, release lets go of the loops that will not run.
func Serve(ctx context.Context, ln net.Listener, run func(ctx context.Context, lfd int) error, release func() error) error {
	defer targets.CloseOnDone(ctx, ln)()
	lfd, err := poller.ListenerFD(ln)
	if err == nil {
		err = run(ctx, lfd)
	} else {
		release()
	}
	if err != nil {
		ln.Close()
	}
	return err
}

// accept takes every waiting connection. Out of descriptors, it stops
// listening for a pause (targets.AcceptPause) rather than spin.
func (l *Loop[C]) accept() {
	l.Tick()
	for {
		fd, err := poller.Accept(l.lfd)
		switch {
		case err == unix.EAGAIN:
			l.pause = 0
			return
		case err != nil && poller.Retryable(err):
			l.pause = targets.AcceptPause(l.pause)
			l.mux.Mod(l.lfd, 0)
			l.timers.Set(&l.acceptWait, l.now+l.pause)
			return
		case err != nil:
			l.fatal = fmt.Errorf("evloop: accept: %w", err)
			return
		}
		if l.onAccept != nil {
			l.onAccept(fd)
		} else {
			l.Open(fd)
		}
	}
}

// listen listens again after a pause in accepting.
func (l *Loop[C]) listen() {
	if l.lfd >= 0 {
		l.mux.Mod(l.lfd, Readable)
	}
}

// closeListener stops accepting for good.
func (l *Loop[C]) closeListener() {
	if l.lfd < 0 {
		return
	}
	l.mux.Del(l.lfd) // a duplicate: closing it alone would not end the watch
	unix.Close(l.lfd)
	l.lfd = -1
	l.timers.Stop(&l.acceptWait)
}

// Open serves the connection on fd on this loop; call it on the loop's
// thread (from OnAccept or OnWake's functions). A stopping loop closes fd;
// one that cannot watch it refuses it (Handler.Refuse).
func (l *Loop[C]) Open(fd int) {
	if l.stopping {
		unix.Close(fd)
		return
	}
	if err := l.mux.Add(fd, Readable); err != nil {
		if l.h.Refuse != nil {
			l.h.Refuse(fd, err)
		} else {
			unix.Close(fd)
		}
		return
	}
	l.h.Open(fd)
}

// OnAccept sends the connections this loop accepts to f, on the loop's
// thread, instead of serving them here: f deals them out (it may Open some
// here). Call it before Run.
func (l *Loop[C]) OnAccept(f func(fd int)) { l.onAccept = f }

// OnWake makes the loop call f, on its thread, each time Wake woke it: f
// takes what other goroutines left for the loop before they woke it. Call it
// before Run.
func (l *Loop[C]) OnWake(f func()) { l.onWake = f }

// Wake wakes the loop from any goroutine.
func (l *Loop[C]) Wake() error { return l.mux.Wake() }
