package poller

import (
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Interest sets for Add and Mod: level-triggered, so a loop that leaves
// bytes unread is told again on its next wait.
const (
	Readable uint32 = unix.EPOLLIN
	Writable uint32 = unix.EPOLLOUT
)

// maxEvents is how many ready descriptors one Wait takes.
const maxEvents = 256

// wakeKey is the key of the poller's own eventfd: no descriptor, nor any
// key given to AddKey, is negative.
const wakeKey = -1

// Poller is one epoll instance, with an eventfd that other goroutines use to
// wake it.
type Poller struct {
	epfd   int
	waker  *Waker
	events []unix.EpollEvent
}

// New returns a poller; Close releases it.
func New() (*Poller, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("poller: epoll_create1: %w", err)
	}
	waker, err := NewWaker()
	if err != nil {
		unix.Close(epfd)
		return nil, err
	}
	p := &Poller{epfd: epfd, waker: waker, events: make([]unix.EpollEvent, maxEvents)}
	if err := p.ctl(unix.EPOLL_CTL_ADD, waker.FD(), Readable, wakeKey); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// Close closes the epoll and eventfd descriptors.
func (p *Poller) Close() error {
	if p.epfd < 0 {
		return nil
	}
	err := unix.Close(p.epfd)
	p.epfd = -1
	return errors.Join(err, p.waker.Close())
}

// Add watches fd for events; Wait reports it by its number.
func (p *Poller) Add(fd int, events uint32) error {
	return p.ctl(unix.EPOLL_CTL_ADD, fd, events, int32(fd))
}

// Mod changes what fd is watched for; 0 watches nothing but errors.
func (p *Poller) Mod(fd int, events uint32) error {
	return p.ctl(unix.EPOLL_CTL_MOD, fd, events, int32(fd))
}

// AddKey watches fd for events, as Add, but Wait and Dispatch report it by
// key (0 or more): a loop that keeps its connections in a slice registers
// each by its index there.
func (p *Poller) AddKey(fd int, events uint32, key int32) error {
	return p.ctl(unix.EPOLL_CTL_ADD, fd, events, key)
}

// ModKey is Mod for a descriptor added with AddKey.
func (p *Poller) ModKey(fd int, events uint32, key int32) error {
	return p.ctl(unix.EPOLL_CTL_MOD, fd, events, key)
}

// Del stops watching fd.
func (p *Poller) Del(fd int) error {
	return p.ctl(unix.EPOLL_CTL_DEL, fd, 0, 0)
}

func (p *Poller) ctl(op, fd int, events uint32, key int32) error {
	ev := unix.EpollEvent{Events: events, Fd: key}
	if err := unix.EpollCtl(p.epfd, op, fd, &ev); err != nil {
		return fmt.Errorf("poller: epoll_ctl(%d, fd %d): %w", op, fd, err)
	}
	return nil
}

// Wake makes a Wait in progress, or the next one, return at once. It is the
// one method safe to call from any goroutine, even after Close (it then
// does nothing).
func (p *Poller) Wake() error { return p.waker.Wake() }

// Wait sleeps until a watched descriptor is ready, Wake is called or timeout
// passes (negative: no timeout), then calls ready for each ready descriptor
// with its number (its key, if added with AddKey). It reports whether Wake
// was called.
func (p *Poller) Wait(timeout time.Duration, ready func(fd int, events uint32)) (woken bool, err error) {
	n, err := p.Poll(timeout)
	if err != nil {
		return false, err
	}
	return p.Dispatch(n, ready), nil
}

// Poll is the first half of Wait: it sleeps as Wait does and returns how
// many descriptors are ready, for Dispatch. Between the two a loop does
// what must come after the sleep and before the work: take again a lock
// it let go while it slept, note the time it woke.
func (p *Poller) Poll(timeout time.Duration) (n int, err error) {
	ms := Millis(timeout)
	// First look without blocking, as a raw system call that the scheduler
	// need not hear of; block (and let the runtime hand this thread's P
	// over) only when nothing is ready. A busy loop never blocks.
	n, err = p.peek()
	if n == 0 && err == nil && ms != 0 {
		n, err = unix.EpollWait(p.epfd, p.events, ms)
	}
	if err != nil {
		if err == unix.EINTR {
			return 0, nil
		}
		return 0, fmt.Errorf("poller: epoll_wait: %w", err)
	}
	return n, nil
}

// Dispatch is the second half of Wait: it calls ready for each of the n
// descriptors the last Poll found ready, and reports whether Wake was
// called.
func (p *Poller) Dispatch(n int, ready func(key int, events uint32)) (woken bool) {
	for _, ev := range p.events[:n] {
		if ev.Fd == wakeKey {
			p.waker.Take()
			woken = true
			continue
		}
		ready(int(ev.Fd), ev.Events)
	}
	return woken
}

// peek is epoll_pwait (epoll_wait is missing on some architectures) with a
// zero timeout and no signal mask: it cannot block.
func (p *Poller) peek() (int, error) {
	r, _, errno := unix.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(p.epfd),
		uintptr(unsafe.Pointer(&p.events[0])), uintptr(len(p.events)), 0, 0, 0)
	if errno != 0 {
		return 0, errno
	}
	return int(r), nil
}

// ListenerFD returns a non-blocking duplicate of ln's socket, for a loop to
// accept on. Closing it does not close ln, nor ln it.
func ListenerFD(ln net.Listener) (int, error) {
	sc, ok := ln.(syscall.Conn)
	if !ok {
		return -1, fmt.Errorf("poller: listener %T has no file descriptor", ln)
	}
	return SocketFD(sc)
}

// SocketFD returns a non-blocking duplicate of c's socket (a listener's,
// a datagram socket's), for a loop to serve. Closing it does not close c,
// nor c it.
func SocketFD(c syscall.Conn) (int, error) {
	raw, err := c.SyscallConn()
	if err != nil {
		return -1, fmt.Errorf("poller: socket: %w", err)
	}
	dup := -1
	var dupErr error
	if err := raw.Control(func(fd uintptr) {
		dup, dupErr = unix.FcntlInt(fd, unix.F_DUPFD_CLOEXEC, 0)
	}); err != nil {
		return -1, fmt.Errorf("poller: socket: %w", err)
	}
	if dupErr != nil {
		return -1, fmt.Errorf("poller: dup socket: %w", dupErr)
	}
	if err := unix.SetNonblock(dup, true); err != nil {
		unix.Close(dup)
		return -1, fmt.Errorf("poller: socket: %w", err)
	}
	return dup, nil
}

// PacketSocketFD is SocketFD of a datagram socket: a non-blocking duplicate
// of pc's descriptor, for a loop of its own.
func PacketSocketFD(pc net.PacketConn) (int, error) {
	sc, ok := pc.(syscall.Conn)
	if !ok {
		return -1, fmt.Errorf("poller: %T has no socket", pc)
	}
	return SocketFD(sc)
}

// Accept takes one connection from the non-blocking listener lfd: a
// non-blocking, close-on-exec socket with Nagle's algorithm off, as Go's net
// package sets them. It returns unix.EAGAIN when none is waiting.
func Accept(lfd int) (int, error) {
	for {
		r, _, errno := unix.Syscall6(unix.SYS_ACCEPT4, uintptr(lfd), 0, 0,
			unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0, 0)
		switch errno {
		case 0:
			fd := int(r)
			unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1) // fails harmlessly on a Unix socket
			return fd, nil
		case unix.EINTR, unix.ECONNABORTED:
			continue
		}
		return -1, errno
	}
}

// Retryable reports whether an accept error can pass with time (out of file
// descriptors or memory): the loop pauses accepting rather than failing.
func Retryable(err error) bool {
	return errors.Is(err, unix.EMFILE) || errors.Is(err, unix.ENFILE) ||
		errors.Is(err, unix.ENOBUFS) || errors.Is(err, unix.ENOMEM)
}
