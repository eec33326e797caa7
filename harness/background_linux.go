package harness

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"time"

	"golang.org/x/sys/unix"
)

// holdConns opens the background's idle connections and touches them. They
// are raw sockets that Go's runtime never sees: no netpoller entry, nothing
// for the garbage collector to scan. Held as net.Conns in this process,
// 10,000 of them cost the load generator beside them half as much CPU again
// per request, and the curve would measure the client.
func holdConns(ctx context.Context, addr string, n int, rate float64, timeout time.Duration) (open, answered int, release func(), err error) {
	fds, err := openRaw(ctx, addr, n, rate)
	release = func() {
		for _, fd := range fds {
			unix.Close(fd)
		}
	}
	return len(fds), touchRaw(ctx, fds, timeout), release, err
}

// openRaw connects up to n non-blocking sockets to addr, one after another
// at rate per second, and stops at the first that fails (a connect the
// target's full backlog leaves unanswered fails after IdleDialTimeout).
func openRaw(ctx context.Context, addr string, n int, rate float64) ([]int, error) {
	ta, err := net.ResolveTCPAddr("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("harness: %w", err)
	}
	var sa unix.Sockaddr
	family := unix.AF_INET
	if ip4 := ta.IP.To4(); ip4 != nil {
		s := &unix.SockaddrInet4{Port: ta.Port}
		copy(s.Addr[:], ip4)
		sa = s
	} else {
		s := &unix.SockaddrInet6{Port: ta.Port}
		copy(s.Addr[:], ta.IP.To16())
		sa, family = s, unix.AF_INET6
	}
	fds := make([]int, 0, n)
	start := time.Now()
	for i := range n {
		if wait := time.Until(start.Add(time.Duration(float64(i) / rate * float64(time.Second)))); wait > 0 {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
			}
		}
		if ctx.Err() != nil {
			return fds, ctx.Err()
		}
		fd, err := connectRaw(family, sa)
		if err != nil {
			return fds, err
		}
		fds = append(fds, fd)
	}
	return fds, nil
}

// connectRaw connects a non-blocking socket, waiting IdleDialTimeout at
// most.
func connectRaw(family int, sa unix.Sockaddr) (int, error) {
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("harness: socket: %w", err)
	}
	err = unix.Connect(fd, sa)
	if err == unix.EINPROGRESS {
		pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
		var n int
		for n, err = unix.Poll(pfd, int(IdleDialTimeout/time.Millisecond)); err == unix.EINTR; {
			n, err = unix.Poll(pfd, int(IdleDialTimeout/time.Millisecond))
		}
		switch {
		case err != nil:
		case n == 0:
			err = fmt.Errorf("connect: no answer in %s", IdleDialTimeout)
		default:
			var soErr int
			if soErr, err = unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR); err == nil && soErr != 0 {
				err = unix.Errno(soErr)
			}
		}
	}
	if err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("harness: connect: %w", err)
	}
	return fd, nil
}

// touchRaw sends one request on every socket and counts the answers, with
// touch's rule: it waits while answers keep coming, until all have
// answered, none has for IdleTouchWait, or timeout.
func touchRaw(ctx context.Context, fds []int, timeout time.Duration) int {
	pending := make([]unix.PollFd, 0, len(fds))
	for _, fd := range fds {
		if n, _ := unix.Write(fd, touchRequest); n == len(touchRequest) {
			pending = append(pending, unix.PollFd{Fd: int32(fd), Events: unix.POLLIN})
		}
	}
	answered := 0
	buf := make([]byte, 512)
	deadline := time.Now().Add(timeout)
	lastChange := time.Now()
	for len(pending) > 0 && ctx.Err() == nil && time.Now().Before(deadline) {
		if answered > 0 && time.Since(lastChange) >= IdleTouchWait {
			break // until the first answer, the timeout is the bound
		}
		n, err := unix.Poll(pending, int(IdleTouchWait/10/time.Millisecond))
		if err != nil && err != unix.EINTR {
			break
		}
		if n <= 0 {
			continue
		}
		kept := pending[:0]
		for _, p := range pending {
			if p.Revents == 0 {
				kept = append(kept, p)
				continue
			}
			m, _ := unix.Read(int(p.Fd), buf)
			if m > 0 && bytes.HasPrefix(buf[:m], []byte("HTTP/1.1 200")) {
				answered++
				lastChange = time.Now()
			}
		}
		pending = kept
	}
	return answered
}
