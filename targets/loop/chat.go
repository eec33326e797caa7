package loop

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"time"

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
	defer targets.WakeOnDone(ctx, pc)()
	send := chat.DatagramSender(func(line []byte, to netip.AddrPort) error {
		return targets.WriteDatagramTo(pc, line, to)
	})
	buf := make([]byte, chat.MaxLine+1) // one byte more: a longer datagram is seen as too long
	for {
		// Wake to forget silent members even when no datagram comes; a
		// context that ended meanwhile has set its own deadline, or does
		// so after this check.
		pc.SetReadDeadline(time.Now().Add(s.room.SweepEvery()))
		if ctx.Err() != nil {
			return nil
		}
		n, from, err := targets.ReadDatagramFrom(pc, buf)
		s.room.Sweep(time.Now())
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) && ctx.Err() == nil {
				continue
			}
			if stop, err := targets.DatagramReadFailed(ctx, err); stop {
				return err
			}
			continue
		}
		s.room.HandleDatagram(from, buf[:n], send)
	}
}

// Parallelism implements targets.DatagramServer: one command at a time.
func (s *ChatDatagramServer) Parallelism() targets.Parallelism {
	return targets.Parallelism{Slots: 1, CPU: 1}
}
