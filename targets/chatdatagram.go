package targets

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"time"

	"github.com/corobench/corobench/chat"
)

// ReadChatDatagrams reads chat commands from pc, one datagram at a time,
// and gives each to handle, until ctx ends; between datagrams (and at
// least every room.SweepEvery when none comes) it lets the room forget its
// silent members. The buffer handle gets is reused: it copies what it
// keeps.
func ReadChatDatagrams(ctx context.Context, pc net.PacketConn, room *chat.Room, handle func(from netip.AddrPort, b []byte)) error {
	defer WakeOnDone(ctx, pc)()
	buf := make([]byte, chat.MaxLine+1) // one byte more: a longer datagram is seen as too long
	for {
		// A context that ended meanwhile has set its own deadline, or
		// does so after this check.
		pc.SetReadDeadline(time.Now().Add(room.SweepEvery()))
		if ctx.Err() != nil {
			return nil
		}
		n, from, err := ReadDatagramFrom(pc, buf)
		room.Sweep(time.Now())
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) && ctx.Err() == nil {
				continue
			}
			if stop, err := DatagramReadFailed(ctx, err); stop {
				return err
			}
			continue
		}
		handle(from, buf[:n])
	}
}
