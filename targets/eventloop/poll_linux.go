package eventloop

import (
	"fmt"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/internal/poller"
	"github.com/corobench/corobench/targets/internal/evloop"
)

// pollSet is poll(2) (ppoll): at each wait the loop hands the kernel its
// array of every watched descriptor with what it waits for, busy or idle;
// the kernel looks at each, writes back what is ready in each entry, and
// the loop scans the array. No bound on descriptor numbers, but a wait
// costs in proportion to the descriptors watched.
type pollSet struct {
	waker *poller.Waker
	fds   []unix.PollFd
	slot  []int32 // each descriptor's index in fds, or -1
	holes int     // entries of descriptors dropped (Fd -1), taken out at the next Wait
	zero  unix.Timespec
}

var (
	_ evloop.Multiplexer = (*pollSet)(nil)
	_ evloop.Forgetter   = (*pollSet)(nil)
)

func newPoll() (*pollSet, error) {
	w, err := poller.NewWaker()
	if err != nil {
		return nil, err
	}
	p := &pollSet{waker: w}
	if err := p.Add(w.FD(), evloop.Readable); err != nil {
		w.Close()
		return nil, err
	}
	return p, nil
}

// Add watches fd for events.
func (p *pollSet) Add(fd int, events uint32) error {
	for len(p.slot) <= fd {
		p.slot = append(p.slot, -1)
	}
	if p.slot[fd] >= 0 {
		return fmt.Errorf("poll: fd %d: %w", fd, unix.EEXIST)
	}
	p.slot[fd] = int32(len(p.fds))
	p.fds = append(p.fds, unix.PollFd{Fd: int32(fd), Events: pollEvents(events)})
	return nil
}

// Mod changes what fd is watched for; 0 is nothing but Hangup (poll always
// reports POLLHUP and POLLERR).
func (p *pollSet) Mod(fd int, events uint32) error {
	if fd >= len(p.slot) || p.slot[fd] < 0 {
		return fmt.Errorf("poll: fd %d: %w", fd, unix.ENOENT)
	}
	p.fds[p.slot[fd]].Events = pollEvents(events)
	return nil
}

// Del stops watching fd.
func (p *pollSet) Del(fd int) error {
	p.Forget(fd)
	return nil
}

// Forget drops fd, closed: its entry is emptied at once (poll skips a
// negative descriptor, and a report being dispatched is dropped) and
// taken out of the array at the next Wait.
func (p *pollSet) Forget(fd int) {
	if fd < 0 || fd >= len(p.slot) || p.slot[fd] < 0 {
		return
	}
	e := &p.fds[p.slot[fd]]
	e.Fd, e.Revents = -1, 0
	p.slot[fd] = -1
	p.holes++
}

// compact takes the emptied entries out, keeping the order of the rest.
func (p *pollSet) compact() {
	kept := p.fds[:0]
	for _, e := range p.fds {
		if e.Fd >= 0 {
			p.slot[e.Fd] = int32(len(kept))
			kept = append(kept, e)
		}
	}
	p.fds, p.holes = kept, 0
}

// Wait implements evloop.Multiplexer. As epoll's poller does, it first looks
// with a zero timeout as a raw system call, and blocks (letting the runtime
// hand this thread's P over) only when nothing is ready.
func (p *pollSet) Wait(timeout time.Duration, ready func(fd int, events uint32)) (woken bool, err error) {
	if p.holes > 0 {
		p.compact()
	}
	n, err := p.peek()
	if n == 0 && err == nil && timeout != 0 {
		n, err = unix.Poll(p.fds, poller.Millis(timeout))
	}
	if err != nil {
		if err == unix.EINTR {
			return false, nil
		}
		return false, fmt.Errorf("poll: %w", err)
	}
	// Entries added while dispatching go after end, and are not ready yet.
	for i, end := 0, len(p.fds); i < end && n > 0; i++ {
		re := p.fds[i].Revents
		if re == 0 {
			continue
		}
		n--
		fd := int(p.fds[i].Fd)
		if fd == p.waker.FD() {
			p.waker.Take()
			woken = true
			continue
		}
		ready(fd, readyEvents(re))
	}
	return woken, nil
}

// peek is ppoll with a zero timeout: it cannot block.
func (p *pollSet) peek() (int, error) {
	r, _, errno := unix.RawSyscall6(unix.SYS_PPOLL, uintptr(unsafe.Pointer(&p.fds[0])), uintptr(len(p.fds)),
		uintptr(unsafe.Pointer(&p.zero)), 0, 0, 0)
	if errno != 0 {
		return 0, errno
	}
	return int(r), nil
}

// Wake implements evloop.Multiplexer.
func (p *pollSet) Wake() error { return p.waker.Wake() }

// Close implements evloop.Multiplexer.
func (p *pollSet) Close() error { return p.waker.Close() }

// pollEvents is what poll watches for events.
func pollEvents(events uint32) int16 {
	var e int16
	if events&evloop.Readable != 0 {
		e |= unix.POLLIN
	}
	if events&evloop.Writable != 0 {
		e |= unix.POLLOUT
	}
	return e
}

// readyEvents is what poll's revents say, as the loop's events.
func readyEvents(re int16) uint32 {
	var ev uint32
	if re&unix.POLLIN != 0 {
		ev |= evloop.Readable
	}
	if re&unix.POLLOUT != 0 {
		ev |= evloop.Writable
	}
	if re&(unix.POLLHUP|unix.POLLERR|unix.POLLNVAL) != 0 {
		ev |= evloop.Hangup
	}
	return ev
}
