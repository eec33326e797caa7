//go:build unix

package targets

import (
	"errors"
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// pollConn is a net.Conn that waits for its next request on the netpoller
// without a buffer (see IdleWaiter).
type pollConn struct {
	net.Conn
	raw  syscall.RawConn
	peek [1]byte
}

// idleWaiting returns c as an IdleWaiter when its socket can be polled.
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

// WaitReadable implements IdleWaiter. It peeks at the socket first: the
// netpoller forgets an earlier readiness edge when a wait starts, so it may
// only wait once the socket has said it is empty.
func (c *pollConn) WaitReadable() error {
	return c.raw.Read(func(fd uintptr) bool {
		for {
			_, _, err := unix.Recvfrom(int(fd), c.peek[:], unix.MSG_PEEK|unix.MSG_DONTWAIT)
			if !errors.Is(err, unix.EINTR) {
				return !errors.Is(err, unix.EAGAIN)
			}
		}
	})
}
