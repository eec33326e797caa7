package goroutine

import (
	"context"
	"net"
	"net/netip"
	"runtime"
	"sync"

	"github.com/corobench/corobench/chat"
	"github.com/corobench/corobench/targets"
)

// ChatDatagramServer serves the chat room over UDP with a goroutine per
// member: one goroutine reads every datagram and serves its command, and a
// message is fanned out by putting its line into each other member's
// outbox (bounded: a full one drops it); each member's own goroutine sleeps
// until its outbox has lines and sends them, a datagram each. A member's
// goroutine starts when it logs in and ends when it quits, is forgotten or
// is kicked.
type ChatDatagramServer struct {
	room *chat.Room
}

var _ targets.DatagramServer = (*ChatDatagramServer)(nil)

// NewChatDatagram returns a goroutine-per-member UDP chat server.
func NewChatDatagram(cfg targets.Config) *ChatDatagramServer {
	return &ChatDatagramServer{room: chat.NewRoom(cfg.Chat)}
}

// Parallelism implements targets.DatagramServer: every member served at
// once, on as many threads as there are Ps.
func (s *ChatDatagramServer) Parallelism() targets.Parallelism {
	return targets.Parallelism{CPU: runtime.GOMAXPROCS(0)}
}

// ServeDatagrams implements targets.DatagramServer.
func (s *ChatDatagramServer) ServeDatagrams(ctx context.Context, pc net.PacketConn) error {
	var members sync.WaitGroup
	defer members.Wait()
	live, stop := context.WithCancel(ctx)
	defer stop()
	return targets.ReadChatDatagrams(ctx, pc, s.room, func(from netip.AddrPort, b []byte) {
		if p := s.room.PeerAt(from); p != nil {
			if s.room.Handle(p, b) {
				p.Link.Close(p) // it quit: its goroutine sends BYE and ends
			}
			return
		}
		m := &datagramMember{room: s.room, pc: pc}
		m.peer = chat.Peer{Link: m, Addr: from}
		s.room.Handle(&m.peer, b)
		if m.peer.Name() != "" { // it logged in
			m.start(live, &members)
		}
	})
}

// datagramMember is a UDP member: its outbox and the goroutine that
// drains it. Before it logs in, its answers are sent at once.
type datagramMember struct {
	room    *chat.Room
	pc      net.PacketConn
	peer    chat.Peer
	out     *chat.Outbox
	wake    chan struct{}
	stop    chan struct{}
	once    sync.Once
	started bool // only the reading goroutine reads and sets it
}

// start starts the member's goroutine.
func (m *datagramMember) start(ctx context.Context, members *sync.WaitGroup) {
	opts := m.room.Options()
	m.wake, m.stop = make(chan struct{}, 1), make(chan struct{})
	m.out = chat.NewOutbox(opts.OutboxBytes, opts.KickAfter, func() {
		select {
		case m.wake <- struct{}{}:
		default:
		}
	})
	m.started = true
	members.Go(func() { m.send(ctx) })
}

// Send implements chat.Link: into the outbox once the member's goroutine
// runs, else at once.
func (m *datagramMember) Send(p *chat.Peer, line []byte) chat.Delivery {
	if m.started {
		return m.out.Put(line)
	}
	if targets.WriteDatagramTo(m.pc, line, p.Addr) != nil {
		return chat.Dropped
	}
	return chat.Sent
}

// Close implements chat.Link: the member's goroutine sends what is queued
// and ends.
func (m *datagramMember) Close(*chat.Peer) {
	if m.started {
		m.once.Do(func() { close(m.stop) })
	}
}

// send sends the outbox's lines, a datagram each, until the member goes.
func (m *datagramMember) send(ctx context.Context) {
	defer m.out.Close()
	var spare []byte
	for {
		last := false
		select {
		case <-m.wake:
		case <-m.stop:
			last = true
		case <-ctx.Done():
			return
		}
		b := m.out.Take(spare)
		m.room.SendLines(b, m.sendLine)
		if b != nil {
			spare = b
		}
		if last {
			return
		}
	}
}

// sendLine sends one line to the member.
func (m *datagramMember) sendLine(line []byte) error {
	return targets.WriteDatagramTo(m.pc, line, m.peer.Addr)
}
