package threadpool

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
	queue := make(chan *blocking.Conn, s.workers)
	var threads sync.WaitGroup
	defer threads.Wait()
	defer close(queue)
	var started sync.WaitGroup // every worker has its thread before the first accept
	started.Add(s.workers)
	for range s.workers {
		threads.Go(func() {
			runtime.LockOSThread() // for good: the thread ends with the worker
			started.Done()
			for c := range queue {
				blocking.Serve(ctx, late, s.app, c)
			}
		})
	}
	started.Wait()
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
		case queue <- bc:
		case <-ctx.Done():
			bc.Close()
			return nil
		}
	}
}
