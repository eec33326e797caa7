// Package goroutine is the goroutine-per-connection model: every connection
// gets a goroutine of its own on Go's netpoller, which parks it whenever it
// would block and runs the runnable ones on all cores. Coroutines on all
// cores, done by the runtime. Run under GOMAXPROCS=1 it is "goroutine-1":
// the same code on one thread, like gevent.
package goroutine

import (
	"context"
	"net"

	"github.com/corobench/corobench/targets"
)

// Server serves each connection on its own goroutine.
type Server struct {
	app *targets.App
}

var _ targets.Server = (*Server)(nil)

// New returns a goroutine-per-connection server.
func New(cfg targets.Config) *Server {
	return &Server{app: cfg.App}
}

// Serve implements targets.Server.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	defer targets.CloseOnDone(ctx, ln)()
	live, stop := targets.NewConnSet(ctx, s.app.ShutdownGrace)
	defer stop()
	defer live.Wait()
	for {
		c, err := targets.Accept(ctx, ln)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if !live.Add(c) {
			c.Close()
			continue
		}
		go s.app.ServeNetConn(ctx, c, live)
	}
}
