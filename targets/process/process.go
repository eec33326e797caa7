// Package process is the process-per-connection model: each accepted
// connection gets an OS process of its own, which serves it and exits. The
// textbook's os.fork server, Python's ForkingMixIn.
//
// Go cannot fork a running program, so the parent starts a small program
// for each connection (Config.Self: cmd/corobench-child, which links only
// what serving needs; see package spawn) and hands the accepted socket over
// as an inherited file descriptor; the child serves it with blocking system
// calls (ServeChild) and exits. The parent reaps every child, so none is
// left a zombie, and caps the live children (MaxConns): beyond the cap, new
// connections wait in the listen backlog. Starting a process per connection
// costs milliseconds and a megabyte or so of memory per live child: that is
// the model's truth, and what the suite shows (MeasureChild times it).
package process

import (
	"context"
	"os"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/internal/blocking"
)

// DefaultMaxChildren caps live children when Config.MaxConns is zero.
const DefaultMaxChildren = 512

// Server serves each connection in a child process of its own.
type Server struct {
	app  *targets.App
	self []string
	max  int
}

var _ targets.Server = (*Server)(nil)

// New returns a process-per-connection server; cfg.Self must be set.
func New(cfg targets.Config) *Server {
	s := &Server{app: cfg.App, self: cfg.Self, max: cfg.MaxConns}
	if s.max <= 0 {
		s.max = DefaultMaxChildren
	}
	return s
}

// ServeChild is the child's side: it serves the connection sock holds until
// it closes or ctx ends (the parent forwards SIGTERM), and closes it.
func ServeChild(ctx context.Context, app *targets.App, sock *os.File) error {
	c, err := blocking.FromFile(sock)
	if err != nil {
		return err
	}
	late, cancel := targets.AfterGrace(ctx, app.ShutdownGrace)
	defer cancel()
	blocking.Serve(ctx, late, app, c) // how a connection ends is the client's business
	return nil
}
