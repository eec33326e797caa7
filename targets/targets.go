// Package targets holds what every reference server shares: the Server
// contract a model fulfils, the App that answers a parsed request, and the
// sequential connection loop that blocking models run. Each model lives in its
// own package below this one and shows only its concurrency; parsing and
// responses come from protocol, CPU work from work.
package targets

import (
	"context"
	"errors"
	"net"
)

// Server is one concurrency model.
type Server interface {
	// Serve answers connections accepted from ln until ctx ends; then it
	// stops accepting, lets in-flight requests finish, closes idle
	// connections and returns. It returns nil after a clean stop.
	Serve(ctx context.Context, ln net.Listener) error
}

// Config is what the command gives a model. A knob a model does not have is
// ignored; zero means the model's default.
type Config struct {
	App *App
	// Workers is the number of workers made at start: prefork's processes,
	// threadpool's threads, reactors' loops.
	Workers int
	// MaxConns caps live per-connection threads or processes; connections
	// beyond it wait in the listen backlog.
	MaxConns int
}

// ErrUnsupported is returned by models that need an operating system
// facility this platform lacks (epoll, fd passing).
var ErrUnsupported = errors.New("targets: model not supported on this platform")
