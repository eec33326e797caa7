package blocking

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/targets"
)

// Conn is a connected TCP socket in blocking mode.
type Conn struct {
	fd       int
	deadline time.Time // of reads; zero: none

	mu     sync.Mutex // orders Wake against Close, so Wake never hits a reused fd
	closed bool
}

var (
	_ io.ReadWriter     = (*Conn)(nil)
	_ targets.Deadliner = (*Conn)(nil)
)

// FromNet takes the socket of c over, in blocking mode, and closes c.
func FromNet(c net.Conn) (*Conn, error) {
	defer c.Close()
	sc, ok := c.(syscall.Conn)
	if !ok {
		return nil, fmt.Errorf("blocking: %T has no socket", c)
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return nil, fmt.Errorf("blocking: %w", err)
	}
	fd := -1
	cerr := raw.Control(func(s uintptr) { fd, err = unix.FcntlInt(s, unix.F_DUPFD_CLOEXEC, 0) })
	if err = errors.Join(cerr, err); err != nil {
		return nil, fmt.Errorf("blocking: dup: %w", err)
	}
	return newConn(fd)
}

// FromFile takes over the socket f holds (one inherited from a parent
// process, say), in blocking mode, and closes f.
func FromFile(f *os.File) (*Conn, error) {
	defer f.Close()
	fd, err := unix.FcntlInt(f.Fd(), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("blocking: dup %s: %w", f.Name(), err)
	}
	return newConn(fd)
}

func newConn(fd int) (*Conn, error) {
	if err := unix.SetNonblock(fd, false); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("blocking: %w", err)
	}
	return &Conn{fd: fd}, nil
}

// Read reads what has arrived, blocking the thread until something has. Past
// the read deadline it fails with os.ErrDeadlineExceeded; after the peer
// closes (or Wake) it returns io.EOF.
func (c *Conn) Read(p []byte) (int, error) {
	for {
		n, err := unix.Read(c.fd, p)
		switch {
		case err == unix.EINTR:
			// SO_RCVTIMEO restarts with the call: shorten it to what is left.
			if err := c.SetReadDeadline(c.deadline); err != nil {
				return 0, err
			}
			continue
		case err == unix.EAGAIN:
			return 0, fmt.Errorf("blocking: read: %w", os.ErrDeadlineExceeded)
		case err != nil:
			return 0, fmt.Errorf("blocking: %w", os.NewSyscallError("read", err))
		case n == 0 && len(p) > 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

// Write writes all of p, blocking the thread while the peer's window is
// full. When the peer takes nothing for the write timeout, it fails with
// os.ErrDeadlineExceeded.
func (c *Conn) Write(p []byte) (int, error) {
	written := 0
	for written < len(p) {
		n, err := unix.Write(c.fd, p[written:])
		if n > 0 {
			written += n
		}
		switch {
		case err == unix.EINTR:
			continue
		case err == unix.EAGAIN: // SO_SNDTIMEO passed with nothing taken
			return written, fmt.Errorf("blocking: write: %w", os.ErrDeadlineExceeded)
		case err != nil:
			return written, fmt.Errorf("blocking: %w", os.NewSyscallError("write", err))
		}
	}
	return written, nil
}

// SetWriteTimeout bounds each write's wait for the peer to take more
// (SO_SNDTIMEO); zero is no limit.
func (c *Conn) SetWriteTimeout(d time.Duration) error {
	tv := unix.NsecToTimeval(d.Nanoseconds())
	if err := unix.SetsockoptTimeval(c.fd, unix.SOL_SOCKET, unix.SO_SNDTIMEO, &tv); err != nil {
		return fmt.Errorf("blocking: %w", os.NewSyscallError("setsockopt", err))
	}
	return nil
}

// SetReadDeadline bounds the next reads: SO_RCVTIMEO is set to the time left
// (at least a microsecond, since zero would mean "no limit").
func (c *Conn) SetReadDeadline(t time.Time) error {
	c.deadline = t
	var tv unix.Timeval
	if !t.IsZero() {
		tv = unix.NsecToTimeval(max(time.Until(t), time.Microsecond).Nanoseconds())
	}
	if err := unix.SetsockoptTimeval(c.fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		return fmt.Errorf("blocking: %w", os.NewSyscallError("setsockopt", err))
	}
	return nil
}

// CloseWrite sends the peer an end of stream.
func (c *Conn) CloseWrite() error {
	return os.NewSyscallError("shutdown", unix.Shutdown(c.fd, unix.SHUT_WR))
}

// Wake makes a Read blocked in another thread return io.EOF, now and from
// then on. Writes still work. It is safe to call at any time, even after
// Close.
func (c *Conn) Wake() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed {
		unix.Shutdown(c.fd, unix.SHUT_RD)
	}
}

// Abort shuts the socket both ways: a Read or Write blocked in another
// thread fails, and so does every later one. It is safe to call at any
// time, even after Close.
func (c *Conn) Abort() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed {
		unix.Shutdown(c.fd, unix.SHUT_RDWR)
	}
}

// Reset is Abort, and makes the Close that follows send a reset: what is
// still unsent is dropped, not trickled out to a peer that does not read.
func (c *Conn) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed {
		unix.SetsockoptLinger(c.fd, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1})
		unix.Shutdown(c.fd, unix.SHUT_RDWR)
	}
}

// Close closes the socket.
func (c *Conn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	return os.NewSyscallError("close", unix.Close(c.fd))
}

// Sleep blocks the calling thread for d, in the kernel.
func Sleep(d time.Duration) {
	ts := unix.NsecToTimespec(d.Nanoseconds())
	for {
		var left unix.Timespec
		if unix.Nanosleep(&ts, &left) != unix.EINTR {
			return
		}
		ts = left
	}
}

// Serve serves c with app.ServeConn, on the calling thread, and closes it.
// Writes wait at most app.WriteTimeout for a client that does not read.
// When ctx ends, a Read blocked on an idle connection is woken, so shutdown
// does not wait for idle clients; a request in flight is still answered.
// When late ends (see targets.AfterGrace), c is shut both ways, so that a
// write blocked on a client that does not read fails.
func Serve(ctx, late context.Context, app *targets.App, c *Conn) error {
	defer c.Close()
	if err := c.SetWriteTimeout(app.WriteTimeout); err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, c.Wake)
	defer stop()
	stopLate := context.AfterFunc(late, c.Abort)
	defer stopLate()
	err := app.ServeConn(ctx, c, Sleep)
	targets.Linger(c, err)
	return err
}
