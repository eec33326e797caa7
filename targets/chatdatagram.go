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
	return ReadChatFrom(ctx, room, func(b []byte) (int, netip.AddrPort, error) {
		pc.SetReadDeadline(time.Now().Add(room.SweepEvery()))
		if ctx.Err() != nil { // else it sets its own deadline after this
			return 0, netip.AddrPort{}, os.ErrDeadlineExceeded
		}
		return ReadDatagramFrom(pc, b)
	}, handle)
}

// ReadChatFrom is ReadChatDatagrams over any socket: read reads one
// datagram, failing with os.ErrDeadlineExceeded when none has come for
// about room.SweepEvery; the caller makes it return (with any error) once
// ctx ends.
func ReadChatFrom(ctx context.Context, room *chat.Room, read func(b []byte) (int, netip.AddrPort, error), handle func(from netip.AddrPort, b []byte)) error {
	buf := make([]byte, chat.MaxLine+1) // one byte more: a longer datagram is seen as too long
	for ctx.Err() == nil {
		n, from, err := read(buf)
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
	return nil
}
