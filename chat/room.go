package chat

import (
	"bytes"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of Options.
const (
	// DefaultOutboxBytes bounds each TCP member's outbox (64 lines of the
	// longest kind; far more of the usual short ones).
	DefaultOutboxBytes = 64 << 10
	// DefaultKickAfter is how long a member's outbox may stay full (lines
	// to it dropped, none written) before the member is disconnected; it is
	// also the deadline of each write to a member's socket.
	DefaultKickAfter = 5 * time.Second
	// DefaultIdleTimeout is how long a UDP member may stay silent before it
	// is forgotten; listeners keep themselves in with P.
	DefaultIdleTimeout = 30 * time.Second
	// DefaultMaxMembers bounds the room; a login beyond it is refused with
	// ERR full.
	DefaultMaxMembers = 100_000
)

// Options are a room's settings; zero is the default.
type Options struct {
	// AdminToken is what A must carry; "" refuses every A.
	AdminToken  string
	OutboxBytes int
	KickAfter   time.Duration
	IdleTimeout time.Duration
	MaxMembers  int
}

// WithDefaults returns o with every zero setting set to its default.
func (o Options) WithDefaults() Options {
	if o.OutboxBytes <= 0 {
		o.OutboxBytes = DefaultOutboxBytes
	}
	if o.KickAfter <= 0 {
		o.KickAfter = DefaultKickAfter
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	if o.MaxMembers <= 0 {
		o.MaxMembers = DefaultMaxMembers
	}
	return o
}

// Link is how the room reaches a peer: the model's side of a member.
type Link interface {
	// Send hands one line (LF included) to the peer without blocking: into
	// its outbox, or onto the wire. The line is the caller's: Send copies
	// it if it keeps it.
	Send(p *Peer, line []byte) Delivery
	// Close disconnects the peer (TCP) or forgets it (UDP); the room has
	// already let it go. It must not block, and may be called more than
	// once.
	Close(p *Peer)
}

// Peer is a client of the room: a TCP connection, or a UDP source address.
// It is a member once it has logged in.
type Peer struct {
	Link Link
	// Addr is a UDP peer's address: the room finds its members by it.
	Addr netip.AddrPort
	// Data is the model's own, for its Link.
	Data any

	name   string       // its name once it has logged in: written once, by its own Handle
	seen   atomic.Int64 // unix nanoseconds of its last datagram (UDP)
	kicked atomic.Bool
	gone   atomic.Bool // it has left the room
}

// Name is the peer's name, "" before it logs in.
func (p *Peer) Name() string { return p.name }

// Room is the chat room: its members, by name (and by address, over UDP),
// and its counters. Any number of goroutines may use it at once; a model
// calls Handle for each command, Leave when a peer goes, and Expire now
// and then over UDP.
type Room struct {
	opts Options

	mu      sync.Mutex
	byName  map[string]*Peer
	byAddr  map[netip.AddrPort]*Peer
	members atomic.Pointer[[]*Peer] // copied on write: a fan-out reads it without the lock

	messages, deliveries, dropped, kicked atomic.Uint64
	swept                                 atomic.Int64 // unix nanoseconds of the last Sweep
}

// NewRoom returns an empty room.
func NewRoom(o Options) *Room {
	r := &Room{opts: o.WithDefaults(), byName: map[string]*Peer{}, byAddr: map[netip.AddrPort]*Peer{}}
	r.members.Store(&[]*Peer{})
	return r
}

// Options are the room's settings, defaults filled in.
func (r *Room) Options() Options { return r.opts }

// Counters returns the room's counters now.
func (r *Room) Counters() Counters {
	return Counters{
		Members:    uint64(len(*r.members.Load())),
		Messages:   r.messages.Load(),
		Deliveries: r.deliveries.Load(),
		Dropped:    r.dropped.Load(),
		Kicked:     r.kicked.Load(),
	}
}

// PeerAt is the member logged in from addr (UDP), or nil.
func (r *Room) PeerAt(addr netip.AddrPort) *Peer {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.byAddr[addr]
}

// join makes p the member name, or says why not: "taken", "full", or
// "login" when p is already a member.
func (r *Room) join(p *Peer, name []byte) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case p.name != "":
		return "login"
	case r.byName[string(name)] != nil:
		return "taken"
	case len(r.byName) >= r.opts.MaxMembers:
		return "full"
	}
	p.name = string(name)
	r.byName[p.name] = p
	if p.Addr.IsValid() {
		p.seen.Store(time.Now().UnixNano())
		r.byAddr[p.Addr] = p
	}
	old := *r.members.Load()
	list := make([]*Peer, len(old), len(old)+1)
	copy(list, old)
	list = append(list, p)
	r.members.Store(&list)
	return ""
}

// Leave takes p out of the room, if it is in. A model calls it when a
// connection ends; it does not call p's Link.
func (r *Room) Leave(p *Peer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.leaveLocked(p)
}

func (r *Room) leaveLocked(p *Peer) bool {
	if p.name == "" || r.byName[p.name] != p {
		return false
	}
	delete(r.byName, p.name)
	if p.Addr.IsValid() && r.byAddr[p.Addr] == p {
		delete(r.byAddr, p.Addr)
	}
	old := *r.members.Load()
	list := make([]*Peer, 0, len(old))
	for _, q := range old {
		if q != p {
			list = append(list, q)
		}
	}
	r.members.Store(&list)
	p.gone.Store(true)
	return true
}

// kick disconnects a member that does not read, once.
func (r *Room) kick(p *Peer) {
	if p.kicked.Swap(true) {
		return
	}
	r.Leave(p)
	r.kicked.Add(1)
	p.Link.Close(p)
}

// Kick disconnects p as a member that does not read: a model calls it when
// a write to p's socket passes its deadline. It is counted once.
func (r *Room) Kick(p *Peer) { r.kick(p) }

// Expire forgets the UDP members silent since before now less the idle
// timeout, and returns how many.
func (r *Room) Expire(now time.Time) int {
	limit := now.Add(-r.opts.IdleTimeout).UnixNano()
	var gone []*Peer
	r.mu.Lock()
	for _, p := range r.byAddr {
		if p.seen.Load() < limit && r.leaveLocked(p) {
			gone = append(gone, p)
		}
	}
	r.mu.Unlock()
	for _, p := range gone {
		p.Link.Close(p)
	}
	return len(gone)
}

// fanOut hands line to every member but from, through via if it is not
// nil, counting each delivery, drop and kick.
func (r *Room) fanOut(from *Peer, via Link, line []byte) {
	var sent, dropped uint64
	for _, p := range *r.members.Load() {
		if p == from {
			continue
		}
		switch linkOf(p, via).Send(p, line) {
		case Sent:
			sent++
		case Dropped:
			dropped++
		case Kick:
			dropped++
			r.kick(p)
		}
	}
	r.messages.Add(1)
	r.deliveries.Add(sent)
	r.dropped.Add(dropped)
}

// Unsent counts line, which a UDP model queued to send (Link.Send said
// Sent) and its socket then refused, as dropped. A message or a broadcast
// is taken back from the deliveries; an answer never was one.
func (r *Room) Unsent(line []byte) {
	word, _, _ := bytes.Cut(line, []byte{' '})
	if k := kind(word); k == KindMessage || k == KindBroadcast {
		r.deliveries.Add(^uint64(0))
	}
	r.dropped.Add(1)
}
