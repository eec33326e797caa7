package loadgen

import (
	"fmt"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ring is a minimal io_uring, used by an event loop to hand the kernel a
// whole wake-up's socket reads, or writes, in one system call rather than
// one each. Its sockets are non-blocking, so every operation completes
// while it is submitted: a read that finds nothing completes with EAGAIN,
// never waits. Only its loop's thread touches it.
type ring struct {
	fd                     int
	sqHead, sqTail, sqMask *uint32
	sqArray                []uint32
	sqes                   []uringSQE
	cqHead, cqTail, cqMask *uint32
	cqes                   []uringCQE
	maps                   [][]byte
	queued                 uint32 // SQEs filled since the last submit
}

// The kernel's ABI (include/uapi/linux/io_uring.h).
type uringParams struct {
	sqEntries, cqEntries, flags, sqThreadCPU, sqThreadIdle, features, wqFd uint32
	resv                                                                   [3]uint32
	sqOff                                                                  [10]uint32 // head tail ring_mask ring_entries flags dropped array resv1 user_addr(u64)
	cqOff                                                                  [10]uint32 // head tail ring_mask ring_entries overflow cqes flags resv1 user_addr(u64)
}

type uringSQE struct {
	opcode      uint8
	flags       uint8
	ioprio      uint16
	fd          int32
	off         uint64
	addr        uint64
	len         uint32
	msgFlags    uint32
	userData    uint64
	bufIndex    uint16
	personality uint16
	spliceFdIn  int32
	addr3       uint64
	_           uint64
}

type uringCQE struct {
	userData uint64
	res      int32
	flags    uint32
}

const (
	uringOpSend         = 26
	uringOpRecv         = 27
	uringFeatSingleMmap = 1 << 0
	uringEnterGetEvents = 1 << 0
	uringOffSQRing      = 0
	uringOffSQEs        = 0x10000000
	uringSetupSubmitAll = 1 << 7
	uringSetupCoopTask  = 1 << 8
)

// newRing sets up a ring of n entries (a power of two). It fails where
// io_uring is missing or disabled (kernel.io_uring_disabled, seccomp).
func newRing(n uint32) (*ring, error) {
	var p uringParams
	p.flags = uringSetupSubmitAll | uringSetupCoopTask
	fd, _, e := unix.Syscall(unix.SYS_IO_URING_SETUP, uintptr(n), uintptr(unsafe.Pointer(&p)), 0)
	if e != 0 {
		return nil, fmt.Errorf("loadgen: io_uring_setup: %w (io_uring missing, or disabled by kernel.io_uring_disabled or seccomp; -engine epoll does without it)", e)
	}
	r := &ring{fd: int(fd)}
	if p.features&uringFeatSingleMmap == 0 {
		r.close()
		return nil, fmt.Errorf("loadgen: io_uring: kernel too old (no single mmap)")
	}
	sqSize := int(p.sqOff[6]) + int(p.sqEntries)*4
	cqSize := int(p.cqOff[5]) + int(p.cqEntries)*int(unsafe.Sizeof(uringCQE{}))
	rings, err := unix.Mmap(r.fd, uringOffSQRing, max(sqSize, cqSize), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		r.close()
		return nil, fmt.Errorf("loadgen: io_uring mmap: %w", err)
	}
	r.maps = append(r.maps, rings)
	sqes, err := unix.Mmap(r.fd, uringOffSQEs, int(p.sqEntries)*int(unsafe.Sizeof(uringSQE{})), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		r.close()
		return nil, fmt.Errorf("loadgen: io_uring mmap: %w", err)
	}
	r.maps = append(r.maps, sqes)
	at := func(off uint32) *uint32 { return (*uint32)(unsafe.Pointer(&rings[off])) }
	r.sqHead, r.sqTail, r.sqMask = at(p.sqOff[0]), at(p.sqOff[1]), at(p.sqOff[2])
	r.sqArray = unsafe.Slice(at(p.sqOff[6]), p.sqEntries)
	r.sqes = unsafe.Slice((*uringSQE)(unsafe.Pointer(&sqes[0])), p.sqEntries)
	r.cqHead, r.cqTail, r.cqMask = at(p.cqOff[0]), at(p.cqOff[1]), at(p.cqOff[2])
	r.cqes = unsafe.Slice((*uringCQE)(unsafe.Pointer(&rings[p.cqOff[5]])), p.cqEntries)
	return r, nil
}

func (r *ring) close() {
	for _, m := range r.maps {
		unix.Munmap(m)
	}
	r.maps = nil
	unix.Close(r.fd)
}

// space is how many more operations fit before the next submit.
func (r *ring) space() int { return len(r.sqes) - int(r.queued) }

// prep queues a send or receive of b on fd; user is returned with its
// completion. The caller keeps b alive and unchanged until then.
func (r *ring) prep(op uint8, fd int, b []byte, user uint64) {
	tail := atomic.LoadUint32(r.sqTail) + r.queued
	i := tail & *r.sqMask
	r.sqes[i] = uringSQE{opcode: op, fd: int32(fd), addr: uint64(uintptr(unsafe.Pointer(unsafe.SliceData(b)))),
		len: uint32(len(b)), msgFlags: unix.MSG_DONTWAIT | unix.MSG_NOSIGNAL, userData: user}
	r.sqArray[i] = i
	r.queued++
}

// submit hands the kernel what was queued and waits until all of it has
// completed (at once, for non-blocking sockets); each completion is passed
// to done, in order of completion.
func (r *ring) submit(done func(user uint64, res int32)) error {
	total := r.queued
	if total == 0 {
		return nil
	}
	atomic.StoreUint32(r.sqTail, atomic.LoadUint32(r.sqTail)+total)
	r.queued = 0
	for reaped := uint32(0); reaped < total; {
		// Without waiting first, as a raw system call (the operations
		// complete while submitted, so it cannot block and the runtime
		// need not know of it); waiting only if some have not completed.
		toSubmit := atomic.LoadUint32(r.sqTail) - atomic.LoadUint32(r.sqHead) // what the kernel has not taken yet
		var e unix.Errno
		if toSubmit > 0 {
			_, _, e = unix.RawSyscall6(unix.SYS_IO_URING_ENTER, uintptr(r.fd), uintptr(toSubmit), 0, 0, 0, 0)
		} else {
			_, _, e = unix.Syscall6(unix.SYS_IO_URING_ENTER, uintptr(r.fd), 0, uintptr(total-reaped),
				uringEnterGetEvents, 0, 0)
		}
		if e != 0 && e != unix.EINTR {
			return fmt.Errorf("loadgen: io_uring_enter: %w", e)
		}
		head, tail := atomic.LoadUint32(r.cqHead), atomic.LoadUint32(r.cqTail)
		for ; head != tail; head++ {
			cqe := &r.cqes[head&*r.cqMask]
			done(cqe.userData, cqe.res)
			reaped++
		}
		atomic.StoreUint32(r.cqHead, head)
	}
	return nil
}
