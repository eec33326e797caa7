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
	late, cancel := targets.AfterGrace(ctx, s.app.ShutdownGrace)
	defer cancel()
	return serveThreads(ctx, ln, s.max, func(c *blocking.Conn) {
		blocking.Serve(ctx, late, s.app, c)
	})
}

// serveThreads accepts on ln until ctx ends and serves each connection on
// an OS thread of its own, at most max at once; it returns when every
// thread has ended.
func serveThreads(ctx context.Context, ln net.Listener, max int, serve func(*blocking.Conn)) error {
	defer targets.CloseOnDone(ctx, ln)()
	live := make(chan struct{}, max) // a token per live thread
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
			serve(bc)
		})
	}
}
