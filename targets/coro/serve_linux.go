package coro

import (
	"context"
	"net"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/internal/evloop"
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
	l, err := newLoop(s.app.ShutdownGrace, s.app.WriteTimeout, func(c *conn) { handle(ctx, s.app, c) }, s.onRead)
	if err != nil {
		ln.Close()
		return err
	}
	return evloop.Serve(ctx, ln, l.Run, l.Close)
}
