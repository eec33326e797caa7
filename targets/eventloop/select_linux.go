package eventloop

import (
	"errors"
	"fmt"
	"math/bits"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/internal/poller"
	"github.com/corobench/corobench/targets/internal/evloop"
)

// errFDSetSize is a descriptor select(2) cannot watch: its bitmaps end at
// FD_SETSIZE, and a descriptor past them would be memory it does not own.
var errFDSetSize = errors.New("select cannot watch a descriptor past FD_SETSIZE")

// selector is select(2) (pselect6): at each wait the loop hands the kernel
// a bitmap of the descriptors it reads and one of those it writes, every
// watched descriptor up to the highest, whether it is busy or idle; the
// kernel looks at each, writes the bitmaps back with the ready ones, and
// the loop scans them. So a wait costs in proportion to the highest
// descriptor watched, and no descriptor can be FD_SETSIZE (1,024) or more:
// Add refuses it, and the loop refuses the connection (Handler.Refuse).
type selector struct {
	waker       *poller.Waker
	read, write unix.FdSet // what is watched
	rset, wset  unix.FdSet // what the last call reported, while it is dispatched
	maxfd       int        // the highest watched descriptor, or -1
	zero        unix.Timespec
}

var (
	_ evloop.Multiplexer = (*selector)(nil)
	_ evloop.Forgetter   = (*selector)(nil)
)

func newSelect() (*selector, error) {
	w, err := poller.NewWaker()
	if err != nil {
		return nil, err
	}
	s := &selector{waker: w, maxfd: -1}
	if err := s.Add(w.FD(), evloop.Readable); err != nil {
		w.Close()
		return nil, err
	}
	return s, nil
}

// Add watches fd for events. A report for an earlier descriptor of the same
// number, still being dispatched, is dropped.
func (s *selector) Add(fd int, events uint32) error {
	if fd >= unix.FD_SETSIZE {
		return fmt.Errorf("%w (%d): fd %d", errFDSetSize, unix.FD_SETSIZE, fd)
	}
	s.rset.Clear(fd)
	s.wset.Clear(fd)
	s.set(fd, events)
	return nil
}

// Mod changes what fd is watched for; select has no Hangup to watch alone.
func (s *selector) Mod(fd int, events uint32) error {
	if fd >= unix.FD_SETSIZE {
		return fmt.Errorf("%w (%d): fd %d", errFDSetSize, unix.FD_SETSIZE, fd)
	}
	s.set(fd, events)
	return nil
}

// Del stops watching fd.
func (s *selector) Del(fd int) error {
	s.Forget(fd)
	return nil
}

// Forget drops fd, closed, from the bitmaps and from what is being
// dispatched.
func (s *selector) Forget(fd int) {
	if fd < 0 || fd >= unix.FD_SETSIZE {
		return
	}
	s.set(fd, 0)
	s.rset.Clear(fd)
	s.wset.Clear(fd)
}

func (s *selector) set(fd int, events uint32) {
	if events&evloop.Readable != 0 {
		s.read.Set(fd)
	} else {
		s.read.Clear(fd)
	}
	if events&evloop.Writable != 0 {
		s.write.Set(fd)
	} else {
		s.write.Clear(fd)
	}
	if events&(evloop.Readable|evloop.Writable) != 0 {
		s.maxfd = max(s.maxfd, fd)
		return
	}
	for s.maxfd >= 0 && !s.read.IsSet(s.maxfd) && !s.write.IsSet(s.maxfd) {
		s.maxfd--
	}
}

// Wait implements evloop.Multiplexer. As epoll's poller does, it first looks
// with a zero timeout as a raw system call, and blocks (letting the runtime
// hand this thread's P over) only when nothing is ready.
func (s *selector) Wait(timeout time.Duration, ready func(fd int, events uint32)) (woken bool, err error) {
	nfd := s.maxfd + 1
	s.rset, s.wset = s.read, s.write
	n, err := s.peek(nfd)
	if n == 0 && err == nil && timeout != 0 {
		s.rset, s.wset = s.read, s.write
		var tv *unix.Timeval
		if ms := poller.Millis(timeout); ms >= 0 {
			tv = &unix.Timeval{Sec: int64(ms / 1000), Usec: int64(ms%1000) * 1000}
		}
		n, err = unix.Select(nfd, &s.rset, &s.wset, nil, tv)
	}
	if err != nil {
		if err == unix.EINTR {
			return false, nil
		}
		return false, fmt.Errorf("select: %w", err)
	}
	// n counts a descriptor once per bitmap it is ready in.
	for word := 0; word*64 < nfd && n > 0; word++ {
		for b := uint64(s.rset.Bits[word]) | uint64(s.wset.Bits[word]); b != 0; b &= b - 1 {
			fd := word*64 + bits.TrailingZeros64(b)
			var ev uint32
			if s.rset.IsSet(fd) { // read again: a handler may have dropped it
				ev |= evloop.Readable
				n--
			}
			if s.wset.IsSet(fd) {
				ev |= evloop.Writable
				n--
			}
			switch {
			case ev == 0:
			case fd == s.waker.FD():
				s.waker.Take()
				woken = true
			default:
				ready(fd, ev)
			}
		}
	}
	return woken, nil
}

// peek is pselect6 with a zero timeout: it cannot block.
func (s *selector) peek(nfd int) (int, error) {
	r, _, errno := unix.RawSyscall6(unix.SYS_PSELECT6, uintptr(nfd), uintptr(unsafe.Pointer(&s.rset)),
		uintptr(unsafe.Pointer(&s.wset)), 0, uintptr(unsafe.Pointer(&s.zero)), 0)
	if errno != 0 {
		return 0, errno
	}
	return int(r), nil
}

// Wake implements evloop.Multiplexer.
func (s *selector) Wake() error { return s.waker.Wake() }

// Close implements evloop.Multiplexer.
func (s *selector) Close() error { return s.waker.Close() }
