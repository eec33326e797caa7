package threadpool

import (
	"runtime"

	"github.com/corobench/corobench/targets"
)

// DatagramServer answers datagrams on N OS threads made at start, which
// take them from a queue and wait with a blocking nanosleep. The server
// reads datagrams on Go's poller into the queue, which holds as many as
// there are threads; beyond that, datagrams wait in the socket's buffer.
type DatagramServer struct {
	app     *targets.App
	workers int
	ready   chan struct{}
}

var (
	_ targets.DatagramServer = (*DatagramServer)(nil)
	_ targets.Readier        = (*DatagramServer)(nil)
)

// NewDatagram returns a thread-pool datagram server, to serve once.
func NewDatagram(cfg targets.Config) *DatagramServer {
	return &DatagramServer{app: cfg.App, workers: workers(cfg), ready: make(chan struct{})}
}

// Ready implements targets.Readier: it is closed once every worker has its
// thread.
func (s *DatagramServer) Ready() <-chan struct{} { return s.ready }

// Parallelism implements targets.DatagramServer: a request per thread, as
// many computing as there are threads and Ps.
func (s *DatagramServer) Parallelism() targets.Parallelism {
	return targets.Parallelism{Slots: s.workers, CPU: min(s.workers, runtime.GOMAXPROCS(0))}
}
