// Package loop is the sequential server: accept one connection, serve it until
// it closes, then accept the next. One thing at a time; every other client
// waits in the listen backlog. The textbook's loop server.
package loop

import (
	"context"
	"net"

	"github.com/corobench/corobench/targets"
)

// Server serves one connection at a time.
type Server struct {
	app *targets.App
}

var _ targets.Server = (*Server)(nil)

// New returns a sequential server.
func New(cfg targets.Config) *Server {
	return &Server{app: cfg.App}
}

// Serve implements targets.Server.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	defer targets.CloseOnDone(ctx, ln)()
	live, stop := targets.NewConnSet(ctx, s.app.ShutdownGrace)
	defer stop()
	for {
		c, err := targets.Accept(ctx, ln)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if live.Add(c) {
			s.app.ServeNetConn(ctx, c, live)
		} else {
			c.Close()
		}
	}
}
