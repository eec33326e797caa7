// Package threadpool is the thread-pool model: N OS threads made at start
// take accepted connections from a queue, and each serves its connection with
// blocking system calls (package blocking) until it closes, then takes the
// next. Java's ThreadPoolExecutor, or a C server's pool of pthreads.
//
// Each worker is a goroutine locked to its thread for good (see package
// thread). The queue holds as many accepted connections as there are
// workers; beyond that, connections wait in the listen backlog. The chat
// room (ChatServer) is served by the same kind of pool, a member holding a
// pair of its threads for its session; a member past the pool is refused,
// not queued. Over UDP (ChatDatagramServer) one thread of the pool reads
// every command, blocking in recvfrom(2), and a member holds one thread,
// its sender.
package threadpool

import (
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/internal/blocking"
)

// DefaultWorkers is the number of threads when Config.Workers is zero.
const DefaultWorkers = 64

// Server serves connections on a fixed pool of OS threads.
type Server struct {
	app     *targets.App
	workers int
	ready   chan struct{}
}

var (
	_ targets.Server  = (*Server)(nil)
	_ targets.Readier = (*Server)(nil)
)

// New returns a thread-pool server, to Serve once.
func New(cfg targets.Config) *Server {
	return &Server{app: cfg.App, workers: workers(cfg), ready: make(chan struct{})}
}

// Ready implements targets.Readier: it is closed once every worker has its
// thread.
func (s *Server) Ready() <-chan struct{} { return s.ready }

func workers(cfg targets.Config) int {
	if cfg.Workers > 0 {
		return cfg.Workers
	}
	return DefaultWorkers
}

// GOMAXPROCS is the GOMAXPROCS the model runs under: see
// blocking.GOMAXPROCS.
func GOMAXPROCS(cfg targets.Config) int {
	return blocking.GOMAXPROCS(workers(cfg))
}
