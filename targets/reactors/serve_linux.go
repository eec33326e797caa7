package reactors

import (
	"context"
	"net"

	"golang.org/x/sync/errgroup"
	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/internal/poller"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/eventloop"
)

// Serve implements targets.Server: each loop runs on its own OS thread; the
// first accepts for all. When one loop fails, the others stop too.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	defer targets.CloseOnDone(ctx, ln)()
	lfd, err := poller.ListenerFD(ln)
	if err != nil {
		ln.Close()
		return err
	}
	loops := make([]*eventloop.Loop, s.loops)
	for i := range loops {
		if loops[i], err = eventloop.NewLoop(s.app); err != nil {
			for _, l := range loops[:i] {
				l.Close()
			}
			unix.Close(lfd)
			ln.Close()
			return err
		}
		loops[i].OnRequest(s.onRequest)
	}
	g, gctx := errgroup.WithContext(ctx)
	for i, l := range loops {
		accept := -1
		if i == 0 {
			accept = lfd
		}
		g.Go(func() error { return l.Run(gctx, accept, loops) })
	}
	if err := g.Wait(); err != nil {
		ln.Close()
		return err
	}
	return nil
}
