package targets

import (
	"net/netip"
	"sync"

	"github.com/corobench/corobench/chat"
)

// ChatSenders serves UDP chat commands with a sender per member: the
// reader (the caller of Handle) serves each command, and a message is
// fanned out by putting its line into each other member's outbox (bounded:
// a full one drops it); each member's sender sleeps until its outbox has
// lines and sends them, a datagram each. A member's sender starts when it
// logs in and ends when it quits, is forgotten or is kicked, or when Done
// closes. The goroutine model runs each sender on a goroutine, the thread
// models on an OS thread.
type ChatSenders struct {
	Room *chat.Room
	// Send sends one datagram; an error drops it.
	Send func(line []byte, to netip.AddrPort) error
	// Start runs a new member's sender: on a goroutine, a thread.
	Start func(sender func())
	// Done ends every sender, dropping what is queued.
	Done <-chan struct{}
}

// Handle serves datagram b from from: as its member's command, or else as
// a new peer's, whose login makes it a member with a sender of its own.
// Before it logs in, a peer's answers are sent at once.
func (s *ChatSenders) Handle(from netip.AddrPort, b []byte) {
	if p := s.Room.PeerAt(from); p != nil {
		if s.Room.Handle(p, b) {
			p.Link.Close(p) // it quit: its sender sends BYE and ends
		}
		return
	}
	m := &chatSender{s: s}
	m.peer = chat.Peer{Link: m, Addr: from}
	s.Room.Handle(&m.peer, b)
	if m.peer.Name() != "" { // it logged in
		m.start()
	}
}

// chatSender is a UDP member: its outbox and the sender that drains it.
type chatSender struct {
	s       *ChatSenders
	peer    chat.Peer
	out     *chat.Outbox
	wake    chan struct{}
	stop    chan struct{}
	once    sync.Once
	started bool // only the reader reads and sets it
}

// start starts the member's sender.
func (m *chatSender) start() {
	opts := m.s.Room.Options()
	m.wake, m.stop = make(chan struct{}, 1), make(chan struct{})
	m.out = chat.NewOutbox(opts.OutboxBytes, opts.KickAfter, func() {
		select {
		case m.wake <- struct{}{}:
		default:
		}
	})
	m.started = true
	m.s.Start(m.send)
}

// Send implements chat.Link: into the outbox once the member's sender
// runs, else at once.
func (m *chatSender) Send(p *chat.Peer, line []byte) chat.Delivery {
	if m.started {
		return m.out.Put(line)
	}
	if m.s.Send(line, p.Addr) != nil {
		return chat.Dropped
	}
	return chat.Sent
}

// Close implements chat.Link: the member's sender sends what is queued
// and ends.
func (m *chatSender) Close(*chat.Peer) {
	if m.started {
		m.once.Do(func() { close(m.stop) })
	}
}

// send sends the outbox's lines, a datagram each, until the member goes.
func (m *chatSender) send() {
	defer m.out.Close()
	var spare []byte
	for {
		last := false
		select {
		case <-m.wake:
		case <-m.stop:
			last = true
		case <-m.s.Done:
			return
		}
		b := m.out.Take(spare)
		m.s.Room.SendLines(b, m.sendLine)
		if b != nil {
			spare = b
		}
		if last {
			return
		}
	}
}

// sendLine sends one line to the member.
func (m *chatSender) sendLine(line []byte) error { return m.s.Send(line, m.peer.Addr) }
