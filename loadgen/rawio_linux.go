package loadgen

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// rawRead and rawWrite are read(2) and write(2) on a non-blocking socket,
// which never block: they skip the runtime's bookkeeping around a system
// call that may (unix.Read enters and leaves a syscall state), which is a
// share of the client's user time per request.
func rawRead(fd int, b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	n, _, e := unix.RawSyscall(unix.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
	return errno(int(n), e)
}

func rawWrite(fd int, b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	n, _, e := unix.RawSyscall(unix.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
	return errno(int(n), e)
}

// errno returns e as an error, without allocating: an Errno below 256 fits
// an interface without a heap copy.
func errno(n int, e syscall.Errno) (int, error) {
	if e != 0 {
		return 0, e
	}
	return n, nil
}

// pollNow is epoll_wait with a zero timeout, which never blocks: when
// answers keep coming, the loop finds them without entering a blocking
// system call (and without waking the runtime's monitor thread, which
// takes back a processor from a thread blocked in one).
func pollNow(ep int, events []unix.EpollEvent) (int, error) {
	n, _, e := unix.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(ep), uintptr(unsafe.Pointer(&events[0])),
		uintptr(len(events)), 0, 0, 0)
	return errno(int(n), e)
}
