//go:build unix

package targets

import (
	"io"
	"net"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// pollConn is a net.Conn that waits for its next request on the netpoller
// without a buffer (see IdleReader).
type pollConn struct {
	net.Conn
	raw syscall.RawConn
}

// idleWaiting returns c as an IdleReader when its socket can be polled.
func idleWaiting(c net.Conn) net.Conn {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return c
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return c
	}
	return &pollConn{Conn: c, raw: raw}
}

// ReadIdle implements IdleReader: each attempt takes a buffer and reads into
// it; one that finds nothing gives the buffer back before the netpoller
// parks the goroutine. It costs no more system calls than Read.
func (c *pollConn) ReadIdle(take func() []byte, give func()) (int, error) {
	var n int
	var rerr error
	err := c.raw.Read(func(fd uintptr) bool {
		b := take()
		for {
			n, rerr = unix.Read(int(fd), b)
			if rerr != unix.EINTR {
				break
			}
		}
		if rerr == unix.EAGAIN {
			give()
			return false
		}
		return true
	})
	switch {
	case err != nil:
		return 0, err
	case rerr != nil:
		return 0, &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", rerr)}
	case n == 0:
		return 0, io.EOF
	}
	return n, nil
}
