package threadpool

import (
	"context"
	"net"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/internal/blocking"
)

// Serve implements targets.Server.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	defer targets.CloseOnDone(ctx, ln)()
	late, cancel := targets.AfterGrace(ctx, s.app.ShutdownGrace)
	defer cancel()
	p := newPool(s.workers)
	defer p.close()
	close(s.ready)
	for {
		c, err := targets.Accept(ctx, ln)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		bc, err := blocking.FromNet(c)
		if err != nil {
			continue // this connection is lost; the server is not
		}
		select {
		case p.jobs <- func() { blocking.Serve(ctx, late, s.app, bc) }:
		case <-ctx.Done():
			bc.Close()
			return nil
		}
	}
}
