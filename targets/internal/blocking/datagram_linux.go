package blocking

import (
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/internal/poller"
)

// Datagrams is a UDP socket in blocking mode: RecvFrom blocks the calling
// thread in recvfrom(2), SendTo in sendto(2).
type Datagrams struct {
	fd int

	mu     sync.Mutex // orders Wake against Close, so Wake never hits a reused fd
	closed bool
}

// DatagramsOf returns pc's socket in blocking mode, for as long as the
// Datagrams is open: the mode belongs to the socket, so pc is blocking too
// until Close, and must not be read or written meanwhile.
func DatagramsOf(pc net.PacketConn) (*Datagrams, error) {
	fd, err := poller.PacketSocketFD(pc)
	if err != nil {
		return nil, fmt.Errorf("blocking: %w", err)
	}
	if err := unix.SetNonblock(fd, false); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("blocking: %w", err)
	}
	return &Datagrams{fd: fd}, nil
}

// SetReadTimeout bounds each RecvFrom's wait (SO_RCVTIMEO); zero is no
// limit.
func (d *Datagrams) SetReadTimeout(t time.Duration) error {
	tv := unix.NsecToTimeval(t.Nanoseconds())
	if err := unix.SetsockoptTimeval(d.fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		return fmt.Errorf("blocking: %w", os.NewSyscallError("setsockopt", err))
	}
	return nil
}

// RecvFrom reads one datagram into b (at most len(b) bytes of it), blocking
// the thread until one comes. Past the read timeout, or when a signal
// interrupts the wait, it fails with os.ErrDeadlineExceeded; after Wake it
// returns io.EOF.
func (d *Datagrams) RecvFrom(b []byte) (int, netip.AddrPort, error) {
	var raw poller.RawAddr
	size := uint32(unsafe.Sizeof(raw))
	r, _, e := unix.Syscall6(unix.SYS_RECVFROM, uintptr(d.fd), uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)),
		0, uintptr(unsafe.Pointer(&raw)), uintptr(unsafe.Pointer(&size)))
	switch {
	case e == unix.EAGAIN || e == unix.EINTR:
		return 0, netip.AddrPort{}, fmt.Errorf("blocking: recvfrom: %w", os.ErrDeadlineExceeded)
	case e != 0:
		return 0, netip.AddrPort{}, fmt.Errorf("blocking: %w", os.NewSyscallError("recvfrom", e))
	case raw.Family == unix.AF_UNSPEC: // no datagram: shut down for reading
		return 0, netip.AddrPort{}, io.EOF
	}
	return int(r), poller.AddrPortOf(&raw), nil
}

// SendTo sends b to addr as one datagram, blocking the thread while the
// socket's send buffer is full.
func (d *Datagrams) SendTo(b []byte, addr netip.AddrPort) error {
	raw := poller.RawAddrOf(addr)
	for {
		_, _, e := unix.Syscall6(unix.SYS_SENDTO, uintptr(d.fd), uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)),
			0, uintptr(unsafe.Pointer(&raw)), unsafe.Sizeof(raw))
		switch e {
		case 0:
			return nil
		case unix.EINTR:
			continue
		}
		return fmt.Errorf("blocking: %w", os.NewSyscallError("sendto", e))
	}
}

// Wake makes a RecvFrom blocked in another thread return io.EOF, now and
// from then on: the socket is shut down for reading. SendTo still works.
func (d *Datagrams) Wake() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	unix.Shutdown(d.fd, unix.SHUT_RD) // ENOTCONN on a socket with no peer, but shut down and woken all the same
}

// Close gives the socket back to pc in non-blocking mode. Call it once no
// thread uses d.
func (d *Datagrams) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	d.closed = true
	unix.SetNonblock(d.fd, true)
	return os.NewSyscallError("close", unix.Close(d.fd))
}
