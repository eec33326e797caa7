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
// until its outbox has lines and sends them, a datagram each
// (targets.ChatSenders). A member's goroutine starts when it logs in and
// ends when it quits, is forgotten or is kicked.
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
	senders := &targets.ChatSenders{
		Room:  s.room,
		Send:  func(line []byte, to netip.AddrPort) error { return targets.WriteDatagramTo(pc, line, to) },
		Start: members.Go,
		Done:  live.Done(),
	}
	return targets.ReadChatDatagrams(ctx, pc, s.room, senders.Handle)
}
