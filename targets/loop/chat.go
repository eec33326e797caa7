package loop

import (
	"context"
	"net"
	"net/netip"

	"github.com/corobench/corobench/chat"
	"github.com/corobench/corobench/targets"
)

// ChatDatagramServer is the textbook's own chat server: one UDP socket and
// one loop. It receives a datagram (recvfrom), serves the command, and for
// a message sends one datagram to each other member (sendto), in turn,
// before it reads the next. A member is its source address; the loop
// forgets the silent ones between datagrams. Over TCP a room means nothing
// here: the loop holds one connection at a time.
type ChatDatagramServer struct {
	room *chat.Room
}

var _ targets.DatagramServer = (*ChatDatagramServer)(nil)

// NewChatDatagram returns the one-loop UDP chat server.
func NewChatDatagram(cfg targets.Config) *ChatDatagramServer {
	return &ChatDatagramServer{room: chat.NewRoom(cfg.Chat)}
}

// ServeDatagrams implements targets.DatagramServer.
func (s *ChatDatagramServer) ServeDatagrams(ctx context.Context, pc net.PacketConn) error {
	send := chat.DatagramSender(func(line []byte, to netip.AddrPort) error {
		return targets.WriteDatagramTo(pc, line, to)
	})
	return targets.ReadChatDatagrams(ctx, pc, s.room, func(from netip.AddrPort, b []byte) {
		s.room.HandleDatagram(from, b, send)
	})
}

// Parallelism implements targets.DatagramServer: one command at a time.
func (s *ChatDatagramServer) Parallelism() targets.Parallelism {
	return targets.Parallelism{Slots: 1, CPU: 1}
}
