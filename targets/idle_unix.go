//go:build unix

package targets

import (
	"io"
	"net"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// pollReader waits for a socket's next request on the netpoller without a
// buffer (see IdleReader).
type pollReader struct {
	raw    syscall.RawConn
	tryFn  func(fd uintptr) bool // c.try, made once: a read allocates nothing
	lender Lender                // of the ReadIdle in progress
	n      int
	err    error
}

// idleReader returns an IdleReader of c, or nil when its socket cannot be
// polled.
func idleReader(c net.Conn) IdleReader {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return nil
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	p := &pollReader{raw: raw}
	p.tryFn = p.try
	return p
}

// ReadIdle implements IdleReader: each attempt takes a buffer and reads into
// it; one that finds nothing gives the buffer back before the netpoller
// parks the goroutine. It costs no more system calls than Read.
func (c *pollReader) ReadIdle(buf Lender) (int, error) {
	c.lender, c.n, c.err = buf, 0, nil
	err := c.raw.Read(c.tryFn)
	c.lender = nil
	switch {
	case err != nil:
		return 0, err
	case c.err != nil:
		return 0, &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", c.err)}
	case c.n == 0:
		return 0, io.EOF
	}
	return c.n, nil
}

// try is one read attempt; false asks the netpoller to wait for input.
func (c *pollReader) try(fd uintptr) bool {
	b := c.lender.Take()
	for {
		c.n, c.err = unix.Read(int(fd), b)
		if c.err != unix.EINTR {
			break
		}
	}
	if c.err == unix.EAGAIN {
		c.lender.Give()
		return false
	}
	return true
}
