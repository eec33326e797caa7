package chat

import (
	"bytes"
	"net/netip"
	"time"
)

// HandleDatagram serves one datagram from addr: as the member logged in
// from addr, or else as a new peer (a login makes it the member at addr).
// Every line it sends, the answer and each member's line of a fan-out,
// goes through link, whichever link the members logged in with: the
// socket the datagram came in on answers, and any of a model's sockets
// on the port reaches every member (reactors: a socket per loop).
func (r *Room) HandleDatagram(from netip.AddrPort, b []byte, link Link) {
	p := r.PeerAt(from)
	if p == nil {
		p = &Peer{Link: link, Addr: from}
	}
	r.handle(p, b, link)
}

// SweepEvery is how often a UDP model calls Sweep when no datagram comes:
// a quarter of the idle timeout, so a silent member is forgotten at most a
// quarter late.
func (r *Room) SweepEvery() time.Duration { return r.opts.IdleTimeout / 4 }

// Sweep forgets the silent UDP members (Expire) if it last did so at least
// SweepEvery ago; a UDP model calls it after each datagram and whenever
// its read times out.
func (r *Room) Sweep(now time.Time) {
	last := r.swept.Load()
	if now.UnixNano()-last < int64(r.SweepEvery()) || !r.swept.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	r.Expire(now)
}

// SendLines sends b, a batch of lines an Outbox's Take returned, a
// datagram a line with send, and counts each line send fails as Unsent.
func (r *Room) SendLines(b []byte, send func(line []byte) error) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if send(b[:i+1]) != nil {
			r.Unsent(b[:i+1])
		}
		b = b[i+1:]
	}
}

// DatagramSender is a Link for the UDP models that send each line at
// once: send is their sendto (or a batch they flush after the fan-out).
// Closing a UDP peer does nothing: it is only forgotten.
type DatagramSender func(line []byte, to netip.AddrPort) error

// Send implements Link.
func (f DatagramSender) Send(p *Peer, line []byte) Delivery {
	if f(line, p.Addr) != nil {
		return Dropped
	}
	return Sent
}

// Close implements Link.
func (DatagramSender) Close(*Peer) {}
