package reactors

import (
	"context"
	"errors"
	"net"

	"golang.org/x/sync/errgroup"

	"github.com/corobench/corobench/targets/eventloop"
	"github.com/corobench/corobench/targets/internal/evloop"
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
	d := newDealer(loops)
	return evloop.Serve(ctx, ln, func(ctx context.Context, lfd int) error {
		g, gctx := errgroup.WithContext(ctx)
		for i, l := range loops {
			accept := -1
			if i == 0 {
				accept = lfd
			}
			g.Go(func() error {
				defer d.inboxes[i].close()
				return l.Run(gctx, accept)
			})
		}
		return g.Wait()
	}, release)
}
