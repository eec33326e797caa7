package eventloop

import (
	"context"
	"net"

	"github.com/corobench/corobench/internal/poller"
	"github.com/corobench/corobench/targets"
)

// Serve implements targets.Server: one loop, on this goroutine's OS thread,
// accepting on ln and serving every connection itself.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	defer targets.CloseOnDone(ctx, ln)()
	lfd, err := poller.ListenerFD(ln)
	if err != nil {
		ln.Close()
		return err
	}
	l, err := NewLoop(s.app)
	if err != nil {
		ln.Close()
		return err
	}
	l.OnRequest(s.onRequest)
	if err := l.Run(ctx, lfd, nil); err != nil {
		ln.Close()
		return err
	}
	return nil
}
