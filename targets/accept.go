package targets

import (
	"context"
	"io"
	"net"
	"sync"
	"time"

	"github.com/corobench/corobench/protocol"
)

// Back-off after a failed accept (out of file descriptors, say): the pause
// doubles from the first to the last, so an overloaded server neither spins
// nor stays deaf long once descriptors free up. Every model backs off so:
// the blocking ones in Accept, the event loops in their own accept.
const (
	acceptPauseFirst = 5 * time.Millisecond
	acceptPauseMax   = time.Second
)

// AcceptPause is the pause after one more failed accept, given the pause
// before it (0 when the last accept succeeded).
func AcceptPause(last time.Duration) time.Duration {
	return min(max(2*last, acceptPauseFirst), acceptPauseMax)
}

// Accept waits for the next connection on ln. A failure that can pass (EMFILE,
// ENFILE, ECONNABORTED) is retried after a growing pause; once ctx ends it
// returns ctx's error. The caller closes ln when ctx ends, so that a blocked
// Accept returns: see CloseOnDone.
func Accept(ctx context.Context, ln net.Listener) (net.Conn, error) {
	var pause time.Duration
	for {
		c, err := ln.Accept()
		if err == nil {
			return c, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if !retryable(err) {
			return nil, err
		}
		pause = AcceptPause(pause)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(pause):
		}
	}
}

// CloseOnDone closes ln when ctx ends. Call the returned stop when Serve
// returns: if ctx has ended, it waits until ln is closed, so that a Serve
// that returned has no listener left open, and no connection can land in
// its backlog; if not, ln stays open.
func CloseOnDone(ctx context.Context, ln net.Listener) (stop func()) {
	closed := make(chan struct{})
	stopClose := context.AfterFunc(ctx, func() {
		defer close(closed)
		ln.Close()
	})
	return sync.OnceFunc(func() {
		if !stopClose() {
			<-closed
		}
	})
}

// ServeNetConn serves a net.Conn with ServeConn, waiting by parking the
// goroutine, then takes it out of live and closes it. The caller added c to
// live, so that when ctx ends a Read blocked on c returns at once and
// shutdown does not wait for idle clients.
func (a *App) ServeNetConn(ctx context.Context, c net.Conn, live *ConnSet) error {
	s := a.newSession(c, time.Sleep)
	s.idle = idleReader(c)
	err := s.serve(ctx) // not ServeConn: one frame less on a small stack
	s.Give()
	Linger(c, err)
	live.Remove(c)
	c.Close()
	return err
}

// Bounds on a lingering close, in every model: how long it reads what the
// client still sends, and how much.
const (
	LingerTime  = time.Second
	LingerBytes = 256 << 10
)

// Linger, when err is the refused request ServeConn answered (an
// *protocol.Error), closes the sending side of c and reads what the client
// still sends, for a short while, before the caller closes c; after any
// other end it does nothing. Closing a socket that has unread input makes
// the kernel send a reset, which can destroy the error answer before the
// client reads it; lingering lets the answer arrive.
func Linger(c interface {
	io.Reader
	Deadliner
}, err error) {
	if _, refused := err.(*protocol.Error); !refused {
		return
	}
	cw, ok := c.(interface{ CloseWrite() error })
	if !ok || cw.CloseWrite() != nil {
		return
	}
	c.SetReadDeadline(time.Now().Add(LingerTime))
	buf := make([]byte, 4096)
	for n := 0; n < LingerBytes; {
		m, err := c.Read(buf)
		if err != nil {
			return
		}
		n += m
	}
}
