package poller

import (
	"net/netip"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Msgs is a batch of datagrams for recvmmsg(2) and sendmmsg(2): n message
// headers, each with its iovec and, for an unconnected socket, its address,
// made once, so that a batch moves in one system call with no allocation.
// A batch for receiving also owns a buffer per message; one for sending
// points each message at bytes the caller keeps until Send returns.
type Msgs struct {
	hdrs  []unix.Mmsghdr
	iovs  []unix.Iovec
	bufs  [][]byte
	addrs []RawAddr // large enough for either family; nil: connected
	n     int       // messages set for Send
}

// NewMsgs returns a batch of n messages. With size > 0 each message has a
// buffer of size bytes to receive into; with addrs, each has room for an
// address (the source of what is received, the destination of what is
// sent), for a socket that is not connected.
func NewMsgs(n, size int, addrs bool) *Msgs {
	m := &Msgs{hdrs: make([]unix.Mmsghdr, n), iovs: make([]unix.Iovec, n)}
	if addrs {
		m.addrs = make([]RawAddr, n)
	}
	if size > 0 {
		m.bufs = make([][]byte, n)
		for i := range m.bufs {
			m.bufs[i] = make([]byte, size)
		}
	}
	for i := range m.hdrs {
		m.hdrs[i].Hdr.Iov = &m.iovs[i]
		m.hdrs[i].Hdr.SetIovlen(1)
	}
	return m
}

// Cap is how many messages the batch holds.
func (m *Msgs) Cap() int { return len(m.hdrs) }

// Recv receives up to Cap datagrams from the non-blocking socket fd, each
// into its message's buffer, in one system call. It returns how many came,
// or unix.EAGAIN when none was waiting.
func (m *Msgs) Recv(fd int) (int, error) {
	return m.RecvN(fd, len(m.hdrs))
}

// RecvN is Recv of at most n datagrams.
func (m *Msgs) RecvN(fd int, n int) (int, error) {
	n = min(n, len(m.hdrs))
	if n == 0 {
		return 0, nil
	}
	for i := range n {
		b := m.bufs[i]
		m.iovs[i].Base = &b[0]
		m.iovs[i].SetLen(len(b))
		m.setName(i)
	}
	r, _, e := unix.RawSyscall6(unix.SYS_RECVMMSG, uintptr(fd), uintptr(unsafe.Pointer(&m.hdrs[0])), uintptr(n),
		unix.MSG_DONTWAIT, 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

// setName points message i at its address, if it has one.
func (m *Msgs) setName(i int) {
	if m.addrs == nil {
		return
	}
	m.hdrs[i].Hdr.Name = (*byte)(unsafe.Pointer(&m.addrs[i]))
	m.hdrs[i].Hdr.Namelen = unix.SizeofSockaddrInet6
}

// Datagram is what the last Recv put in message i: the datagram received.
// A datagram longer than the buffer was cut to the buffer's size (and
// Truncated says so).
func (m *Msgs) Datagram(i int) []byte { return m.bufs[i][:m.hdrs[i].Len] }

// Truncated reports whether the datagram in message i was longer than its
// buffer.
func (m *Msgs) Truncated(i int) bool { return m.hdrs[i].Hdr.Flags&unix.MSG_TRUNC != 0 }

// Addr is the address of message i: where the datagram received came from.
func (m *Msgs) Addr(i int) *RawAddr { return &m.addrs[i] }

// Reset empties the batch of messages to send.
func (m *Msgs) Reset() { m.n = 0 }

// Len is how many messages are set to send.
func (m *Msgs) Len() int { return m.n }

// Full reports whether no more messages fit before a Send.
func (m *Msgs) Full() bool { return m.n == len(m.hdrs) }

// Add sets the next message to send: b, to addr (nil on a connected
// socket). The caller keeps b unchanged until Send.
func (m *Msgs) Add(b []byte, addr *RawAddr) {
	i := m.n
	m.n++
	m.iovs[i].Base = unsafe.SliceData(b)
	m.iovs[i].SetLen(len(b))
	if m.addrs != nil {
		if addr != nil {
			m.addrs[i] = *addr
		}
		m.setName(i)
		if m.addrs[i].Family == unix.AF_INET {
			m.hdrs[i].Hdr.Namelen = unix.SizeofSockaddrInet4
		}
	}
}

// Send sends the messages set, from the first, on the non-blocking socket
// fd, in as few system calls as the kernel takes them; it returns how many
// left, and the error that stopped the rest (unix.EAGAIN: the socket's
// buffer is full). Sent messages are taken off the batch; what is left
// stays, first, for the next Send.
func (m *Msgs) Send(fd int) (int, error) {
	sent := 0
	for sent < m.n {
		r, _, e := unix.RawSyscall6(unix.SYS_SENDMMSG, uintptr(fd), uintptr(unsafe.Pointer(&m.hdrs[sent])),
			uintptr(m.n-sent), unix.MSG_DONTWAIT|unix.MSG_NOSIGNAL, 0, 0)
		if e == unix.EINTR {
			continue
		}
		if e != 0 {
			m.shift(sent)
			return sent, e
		}
		sent += int(r)
	}
	m.n = 0
	return sent, nil
}

// SendEach is Send with one sendmsg(2) per message: what a server without
// batching pays.
func (m *Msgs) SendEach(fd int) (int, error) {
	sent := 0
	for sent < m.n {
		_, _, e := unix.RawSyscall(unix.SYS_SENDMSG, uintptr(fd), uintptr(unsafe.Pointer(&m.hdrs[sent].Hdr)),
			unix.MSG_DONTWAIT|unix.MSG_NOSIGNAL)
		switch {
		case e == unix.EINTR:
			continue
		case e != 0:
			m.shift(sent)
			return sent, e
		}
		sent++
	}
	m.n = 0
	return sent, nil
}

// Message is message i set to send.
func (m *Msgs) Message(i int) []byte {
	return unsafe.Slice(m.iovs[i].Base, m.iovs[i].Len)
}

// Drop takes the first n messages set to send off the batch, unsent.
func (m *Msgs) Drop(n int) { m.shift(min(n, m.n)) }

// shift moves the messages from i on to the front, after a Send stopped
// at i.
func (m *Msgs) shift(i int) {
	if i == 0 {
		return
	}
	for j := i; j < m.n; j++ {
		m.iovs[j-i] = m.iovs[j]
		if m.addrs != nil {
			m.addrs[j-i] = m.addrs[j]
			m.hdrs[j-i].Hdr.Namelen = m.hdrs[j].Hdr.Namelen
		}
	}
	m.n -= i
}

// RecvOne is RecvN of one datagram, with recvmsg(2): what a server without
// batching pays.
func (m *Msgs) RecvOne(fd int) (int, error) {
	b := m.bufs[0]
	m.iovs[0].Base = &b[0]
	m.iovs[0].SetLen(len(b))
	m.setName(0)
	r, _, e := unix.RawSyscall(unix.SYS_RECVMSG, uintptr(fd), uintptr(unsafe.Pointer(&m.hdrs[0].Hdr)), unix.MSG_DONTWAIT)
	if e != 0 {
		return 0, e
	}
	m.hdrs[0].Len = uint32(r)
	return 1, nil
}

// RawAddr is the address of a message: a sockaddr of either family.
type RawAddr = unix.RawSockaddrInet6

// RawAddrOf is ap as a message's address.
func RawAddrOf(ap netip.AddrPort) RawAddr {
	var raw RawAddr
	port := ap.Port()
	if a := ap.Addr(); a.Is4() || a.Is4In6() {
		v4 := (*unix.RawSockaddrInet4)(unsafe.Pointer(&raw))
		v4.Family = unix.AF_INET
		v4.Port = port>>8 | port<<8
		v4.Addr = a.Unmap().As4()
		return raw
	}
	raw.Family = unix.AF_INET6
	raw.Port = port>>8 | port<<8
	raw.Addr = ap.Addr().As16()
	return raw
}

// AddrPortOf is a message's address as a netip.AddrPort.
func AddrPortOf(raw *RawAddr) netip.AddrPort {
	port := raw.Port>>8 | raw.Port<<8
	if raw.Family == unix.AF_INET {
		v4 := (*unix.RawSockaddrInet4)(unsafe.Pointer(raw))
		return netip.AddrPortFrom(netip.AddrFrom4(v4.Addr), port)
	}
	return netip.AddrPortFrom(netip.AddrFrom16(raw.Addr), port)
}
