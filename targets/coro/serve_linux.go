package coro

import (
	"context"
	"net"

	"github.com/corobench/corobench/internal/poller"
	"github.com/corobench/corobench/targets"
)

// handle is a connection's whole life, run inside its coroutine: the same
// sequential code as the loop and goroutine models. c's Read, Write and
// Sleep yield to the loop whenever they would block.
func handle(ctx context.Context, app *targets.App, c *conn) {
	err := app.ServeConn(ctx, c, c.Sleep)
	targets.Linger(c, err)
}

// Serve implements targets.Server: one loop, on this goroutine's OS thread.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	defer targets.CloseOnDone(ctx, ln)()
	lfd, err := poller.ListenerFD(ln)
	if err != nil {
		ln.Close()
		return err
	}
	l, err := newLoop(s.app, s.onRead)
	if err != nil {
		ln.Close()
		return err
	}
	if err := l.run(ctx, lfd); err != nil {
		ln.Close()
		return err
	}
	return nil
}
