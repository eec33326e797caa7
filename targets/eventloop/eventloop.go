// Package eventloop is the single-threaded event loop: one OS thread runs one
// loop over non-blocking sockets. Accepts are drained until EAGAIN; each
// connection keeps only the bytes it could not finish with (a partial
// request, a partial write) in buffers borrowed from the loop; IO waits,
// idle and request timeouts are timers in the loop's heap, whose earliest
// sets the readiness call's timeout. CPU work runs on the loop thread and
// stalls every connection while it runs: that is the model (select/poll/epoll
// in the textbook, Redis, Node.js). File IO (/files/, /disk) is done inline
// on the loop's thread too, and stalls every connection while the disk
// works, as the textbook's select servers would, unless it is given file
// threads (offload_linux.go); a download is sent with sendfile(2) when its
// socket can take it (files_linux.go).
//
// Four models are this one loop waiting in a different readiness call, and
// differ in nothing else: eventloop (epoll, level-triggered), eventloop-et
// (epoll, edge-triggered: each socket read until EAGAIN), select (select(2),
// which cannot watch a descriptor past FD_SETSIZE and refuses such a
// connection) and poll (poll(2)). Each call is one file: edge_linux.go,
// select_linux.go, poll_linux.go.
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
	call        readiness
	fileThreads int // threads the loop hands its file IO to; 0: inline
	// onRequest, when set (by tests), is called on the loop thread before
	// each request is answered.
	onRequest func(*protocol.Request)
	// onFileJob, when set (by tests), is called on a file thread before
	// each file job.
	onFileJob func()
}

var _ targets.Server = (*Server)(nil)

// readiness is the system call a loop waits in: all that differs between
// the models of this package.
type readiness uint8

const (
	epollLevel readiness = iota // eventloop
	epollEdge                   // eventloop-et
	selectCall                  // select
	pollCall                    // poll
)

// New returns a single-threaded event-loop server on level-triggered epoll.
func New(cfg targets.Config) *Server { return newServer(cfg, epollLevel) }

func newServer(cfg targets.Config, call readiness) *Server {
	return &Server{app: cfg.App, call: call, fileThreads: cfg.FileThreads}
}
