// Package eventloop is the single-threaded event loop: one OS thread runs one
// epoll loop over non-blocking sockets. Accepts are drained until EAGAIN;
// each connection keeps only the bytes it could not finish with (a partial
// request, a partial write) in buffers borrowed from the loop; IO waits,
// idle and request timeouts are timers in the loop's heap, whose earliest
// sets the epoll_wait timeout. CPU work runs on the loop thread and stalls
// every connection while it runs: that is the model (select/poll/epoll in
// the textbook, Redis, Node.js). File IO (/files/, /disk) is done inline on
// the loop's thread too, and stalls every connection while the disk works,
// as the textbook's select servers would; a download is read a chunk at a
// time, when its socket can take it (files_linux.go).
//
// The loop itself is exported (Loop) so that reactors can run one per core.
// It exists on Linux only; elsewhere Serve returns targets.ErrUnsupported.
package eventloop

import (
	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
)

// Server runs one event loop on one OS thread.
type Server struct {
	app         *targets.App
	fileThreads int // threads the loop hands /disk jobs to; 0: inline
	// onRequest, when set (by tests), is called on the loop thread before
	// each request is answered.
	onRequest func(*protocol.Request)
}

var _ targets.Server = (*Server)(nil)

// New returns a single-threaded event-loop server.
func New(cfg targets.Config) *Server {
	return &Server{app: cfg.App, fileThreads: cfg.FileThreads}
}
