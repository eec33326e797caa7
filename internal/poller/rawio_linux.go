package poller

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// Read and Write are read(2) and write(2) for the non-blocking sockets of an
// event loop. They never block, so they skip the runtime's bookkeeping around
// a system call that might (unix.Read enters and leaves a syscall state, and
// may wake the runtime's monitor thread): a share of every request's cost in
// a loop that does one read and one write per request. An error is the
// syscall.Errno itself, so err == unix.EAGAIN holds.
func Read(fd int, b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	n, _, e := unix.RawSyscall(unix.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

// Write: see Read.
func Write(fd int, b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	n, _, e := unix.RawSyscall(unix.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

// WriteTo is sendto(2) of b, one datagram, to addr on the unconnected
// datagram socket fd; see Read.
func WriteTo(fd int, b []byte, addr *RawAddr) (int, error) {
	size := uintptr(unix.SizeofSockaddrInet6)
	if addr.Family == unix.AF_INET {
		size = unix.SizeofSockaddrInet4
	}
	n, _, e := unix.RawSyscall6(unix.SYS_SENDTO, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)),
		unix.MSG_NOSIGNAL, uintptr(unsafe.Pointer(addr)), size)
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}
