package reactors

import (
	"context"
	"errors"
	"net"

	"github.com/corobench/corobench/targets/eventloop"
)

// Serve implements targets.Server: each loop on its own OS thread; the
// first accepts for all and deals.
func (s *ChatServer) Serve(ctx context.Context, ln net.Listener) error {
	loops := make([]*eventloop.ChatLoop, s.loops)
	release := func() error {
		var errs []error
		for _, l := range loops {
			if l != nil {
				errs = append(errs, l.Close())
			}
		}
		return errors.Join(errs...)
	}
	for i := range loops {
		l, err := eventloop.NewChatLoop(s.room, true)
		if err != nil {
			release()
			ln.Close()
			return err
		}
		loops[i] = l
	}
	return serveDealt(ctx, ln, loops, release)
}

// ServeDatagrams implements targets.DatagramServer: a ChatDatagramLoop per
// socket (serveSockets).
func (s *ChatDatagramServer) ServeDatagrams(ctx context.Context, pc net.PacketConn) error {
	return serveSockets(ctx, pc, s.loops, func(fd int) (*eventloop.ChatDatagramLoop, error) {
		l, err := eventloop.NewChatDatagramLoop(s.room, fd)
		if err == nil {
			l.OnRead(s.onRead)
		}
		return l, err
	})
}
