// Package prefork is the pre-forked model: N worker processes made at start,
// each a sequential loop (package loop) accepting on the one listening
// socket they all inherited. Apache's prefork, Python's multiprocessing.Pool
// serving a socket. A worker that dies is replaced.
//
// The workers share the parent's listening socket (an inherited file
// descriptor) rather than each binding its own with SO_REUSEPORT. With a
// shared socket there is one accept queue, and whichever worker is free takes
// the next connection: that is prefork. SO_REUSEPORT would hash each
// connection to one worker's own queue when it arrives, where it would wait
// behind that worker's long keep-alive connection while others sit idle.
// And Serve is handed a socket already listening, which SO_REUSEPORT would
// need set before bind.
//
// Over UDP (ServeDatagrams) it is the same: N workers, each a sequential
// datagram loop (loop.DatagramServer: recvfrom, the work, sendto), all on
// the one socket they inherited. One receive queue, and whichever worker is
// free takes the next datagram. With a socket of its own per worker
// (SO_REUSEPORT, as reactors does), the kernel would hash each source to one
// worker's queue, where a client's datagrams wait behind that worker's long
// request while the other workers sit idle: that is reactors, not prefork.
// Each worker keeps its own counts, so /stats answers for the worker that
// got it, as over TCP.
package prefork

import (
	"context"
	"net"
	"os"
	"runtime"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/loop"
)

// Server serves connections in a fixed set of worker processes.
type Server struct {
	app     *targets.App
	self    []string
	workers int
	ready   chan struct{}
}

var (
	_ targets.Server         = (*Server)(nil)
	_ targets.DatagramServer = (*Server)(nil)
	_ targets.Readier        = (*Server)(nil)
)

// Ready implements targets.Readier: it is closed once the first workers
// are all ready to accept (or gone).
func (s *Server) Ready() <-chan struct{} { return s.ready }

// New returns a prefork server with cfg.Workers workers (default: one per
// CPU); cfg.Self must be set. It serves once, connections (Serve) or
// datagrams (ServeDatagrams).
func New(cfg targets.Config) *Server {
	s := &Server{app: cfg.App, self: cfg.Self, workers: cfg.Workers, ready: make(chan struct{})}
	if s.workers <= 0 {
		s.workers = runtime.NumCPU()
	}
	return s
}

// ServeWorker is a worker's side: a sequential loop accepting on the
// listener sock holds until ctx ends (the parent forwards SIGTERM).
func ServeWorker(ctx context.Context, app *targets.App, sock *os.File) error {
	ln, err := net.FileListener(sock)
	sock.Close()
	if err != nil {
		return err
	}
	return loop.New(targets.Config{App: app}).Serve(ctx, ln)
}

// ServeDatagramWorker is a datagram worker's side: a sequential datagram
// loop on the socket sock holds, until ctx ends (the parent forwards
// SIGTERM).
func ServeDatagramWorker(ctx context.Context, app *targets.App, sock *os.File) error {
	pc, err := net.FilePacketConn(sock)
	sock.Close()
	if err != nil {
		return err
	}
	defer pc.Close()
	return loop.NewDatagram(targets.Config{App: app}).ServeDatagrams(ctx, pc)
}
