package thread

import (
	"context"
	"net"
	"runtime"
	"sync"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/internal/blocking"
)

// Serve implements targets.Server.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	defer targets.CloseOnDone(ctx, ln)()
	late, cancel := targets.AfterGrace(ctx, s.app.ShutdownGrace)
	defer cancel()
	live := make(chan struct{}, s.max) // a token per live thread
	var threads sync.WaitGroup
	defer threads.Wait()
	for {
		select {
		case live <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
		c, err := targets.Accept(ctx, ln)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		bc, err := blocking.FromNet(c)
		if err != nil {
			<-live
			continue // this connection is lost; the server is not
		}
		threads.Go(func() {
			defer func() { <-live }()
			// Never unlocked: the thread ends when this goroutine does.
			runtime.LockOSThread()
			blocking.Serve(ctx, late, s.app, bc)
		})
	}
}
