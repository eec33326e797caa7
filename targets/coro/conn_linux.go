package coro

import (
	"io"
	"net"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/internal/poller"
	"github.com/corobench/corobench/targets"
)

// waitFor is what a coroutine yielded for.
type waitFor uint8

const (
	waitNone  waitFor = iota // running, or not started
	waitRead                 // its socket readable, or its read deadline
	waitWrite                // its socket writable, or the write timeout
	waitTime                 // its wake-up time
	waitTurn                 // the others' turns (it answered its share in a row)
	waitLines                // lines to write (a chat member's writer)
)

// conn is a non-blocking socket seen from inside its coroutine as a
// blocking one: Read, Write and Sleep yield to the loop instead of blocking.
// It is a net.Conn and a targets.Deadliner, so App.ServeConn and
// targets.Linger use it unchanged.
type conn struct {
	fd      int
	l       *loop
	next    func() (struct{}, bool)
	stop    func()
	yield   func(struct{}) bool
	waitFor waitFor
	gone    bool // the client hung up while the coroutine slept
	closed  bool
	stopped bool // the loop stopped the coroutine: every wait fails
	aborted bool // its chat member was kicked: every wait fails
	events  uint32
	// to, on a UDP chat member's sender, is the member's address: each
	// Write is then one datagram sent to it.
	to *poller.RawAddr
	// deadline, writeDue and wake are on the loop's clock; deadline 0 is none.
	deadline, writeDue, wake time.Duration
	timer                    poller.Timer[*conn]
}

var (
	_ net.Conn           = (*conn)(nil)
	_ targets.Deadliner  = (*conn)(nil)
	_ targets.IdleReader = (*conn)(nil)
	_ targets.Yielder    = (*conn)(nil)
)

// park yields to the loop until what c waits for is ready. It reports false
// when the loop stopped the coroutine.
func (c *conn) park(w waitFor) bool {
	if c.stopped {
		return false
	}
	c.waitFor = w
	ok := c.yield(struct{}{})
	c.waitFor = waitNone
	c.stopped = !ok || c.aborted
	return !c.stopped
}

// due is when c's timer must fire for what it waits for.
func (c *conn) due() (time.Duration, bool) {
	switch c.waitFor {
	case waitRead:
		return c.deadline, c.deadline != 0
	case waitWrite:
		return c.writeDue, true
	case waitTime:
		return c.wake, true
	}
	return 0, false
}

func (c *conn) now() time.Duration { return c.l.Tick() }

// Read reads what has arrived, yielding until something has, the client
// closes, or the read deadline passes.
func (c *conn) Read(p []byte) (int, error) {
	for {
		if c.aborted {
			return 0, net.ErrClosed
		}
		if c.deadline != 0 && c.now() >= c.deadline {
			return 0, os.ErrDeadlineExceeded
		}
		if n, empty, err := c.readOnce(p); !empty {
			return n, err
		}
		if !c.park(waitRead) {
			return 0, net.ErrClosed
		}
	}
}

// ReadIdle reads like Read, but holds a buffer only while it tries to read:
// an attempt that finds nothing gives it back before the coroutine yields, so
// an idle coroutine holds no buffer (see targets.IdleReader).
func (c *conn) ReadIdle(buf targets.Lender) (int, error) {
	for {
		if c.deadline != 0 && c.now() >= c.deadline {
			return 0, os.ErrDeadlineExceeded
		}
		if n, empty, err := c.readOnce(buf.Take()); !empty {
			return n, err
		}
		buf.Give()
		if !c.park(waitRead) {
			return 0, net.ErrClosed
		}
	}
}

// readOnce reads what the socket holds into p; empty reports that it holds
// nothing yet, and the caller must wait for it to become readable.
func (c *conn) readOnce(p []byte) (n int, empty bool, err error) {
	for {
		n, err := poller.Read(c.fd, p)
		switch {
		case n > 0:
			if c.l.onRead != nil {
				c.l.onRead(c.l.tid, p[:n])
			}
			return n, false, nil
		case err == nil:
			return 0, false, io.EOF
		case err == unix.EAGAIN:
			return 0, true, nil
		case err != unix.EINTR:
			return 0, false, &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", err)}
		}
	}
}

// Write writes all of p, yielding while the socket is full. A client that
// takes nothing for the write timeout is given up on.
func (c *conn) Write(p []byte) (int, error) {
	sent := 0
	for sent < len(p) {
		n, err := c.writeOnce(p[sent:])
		if n > 0 {
			sent += n
		}
		switch {
		case err == nil || err == unix.EINTR:
		case err != unix.EAGAIN:
			return sent, &net.OpError{Op: "write", Net: "tcp", Err: os.NewSyscallError("write", err)}
		default:
			c.writeDue = c.now() + c.l.writeTimeout
			if !c.park(waitWrite) {
				return sent, net.ErrClosed
			}
			if c.now() >= c.writeDue {
				return sent, os.ErrDeadlineExceeded
			}
		}
	}
	return sent, nil
}

// writeOnce is one write(2), or on a UDP member's sender one sendto(2) of
// p to the member.
func (c *conn) writeOnce(p []byte) (int, error) {
	if c.to != nil {
		return poller.WriteTo(c.fd, p, c.to)
	}
	return poller.Write(c.fd, p)
}

// recv reads one datagram into in's first message, yielding until one has
// come or the read deadline passes.
func (c *conn) recv(in *poller.Msgs) error {
	for {
		if c.deadline != 0 && c.now() >= c.deadline {
			return os.ErrDeadlineExceeded
		}
		_, err := in.RecvOne(c.fd)
		switch {
		case err == nil:
			if c.l.onRead != nil {
				c.l.onRead(c.l.tid, in.Datagram(0))
			}
			return nil
		case err == unix.EINTR:
		case err != unix.EAGAIN:
			return &net.OpError{Op: "read", Net: "udp", Err: os.NewSyscallError("recvmsg", err)}
		case !c.park(waitRead):
			return net.ErrClosed
		}
	}
}

// Yield lets every other connection ready on the loop have its turn before
// this one answers more (see targets.TurnRequests).
func (c *conn) Yield() { c.park(waitTurn) }

// Sleep waits d on the loop's timers: the IO wait of /io and /mix.
func (c *conn) Sleep(d time.Duration) {
	c.wake = c.now() + d
	for c.now() < c.wake && c.park(waitTime) {
	}
}

// SetReadDeadline implements targets.Deadliner; the zero time is none.
func (c *conn) SetReadDeadline(t time.Time) error {
	c.deadline = 0
	if !t.IsZero() {
		c.deadline = max(c.now()+time.Until(t), 1)
	}
	return nil
}

// SetDeadline sets the read deadline; writes have the write timeout.
func (c *conn) SetDeadline(t time.Time) error { return c.SetReadDeadline(t) }

// SetWriteDeadline does nothing: writes have the write timeout.
func (c *conn) SetWriteDeadline(time.Time) error { return nil }

// CloseWrite shuts the sending side, for targets.Linger.
func (c *conn) CloseWrite() error { return unix.Shutdown(c.fd, unix.SHUT_WR) }

// Close closes the socket, which also ends its watch.
func (c *conn) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	return unix.Close(c.fd)
}

// LocalAddr is the socket's own address.
func (c *conn) LocalAddr() net.Addr { return sockAddr(unix.Getsockname(c.fd)) }

// RemoteAddr is the client's address.
func (c *conn) RemoteAddr() net.Addr { return sockAddr(unix.Getpeername(c.fd)) }

func sockAddr(sa unix.Sockaddr, err error) net.Addr {
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		return &net.TCPAddr{IP: a.Addr[:], Port: a.Port}
	case *unix.SockaddrInet6:
		return &net.TCPAddr{IP: a.Addr[:], Port: a.Port}
	case *unix.SockaddrUnix:
		return &net.UnixAddr{Name: a.Name, Net: "unix"}
	}
	return nil
}
