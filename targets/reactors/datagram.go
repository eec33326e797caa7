package reactors

import (
	"runtime"

	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/eventloop"
)

// DatagramServer runs one datagram event loop (eventloop.DatagramLoop) per
// core, each on its own OS thread over a socket of its own bound to the
// same port with SO_REUSEPORT: the natural UDP design, since no connection
// has to be dealt. The kernel gives each datagram to a socket by a hash of
// its source, so a client stays on one loop, and CPU work stalls only that
// loop's clients.
type DatagramServer struct {
	app   *targets.App
	loops int
	batch int // datagrams per system call
	// onRequest, when set (by tests), is called on a loop's thread before
	// each request is answered.
	onRequest func(*protocol.Request)
}

var (
	_ targets.DatagramServer = (*DatagramServer)(nil)
	_ targets.PortSharer     = (*DatagramServer)(nil)
)

// NewDatagram returns a server of cfg.Workers loops, or GOMAXPROCS when it
// is 0.
func NewDatagram(cfg targets.Config) *DatagramServer {
	loops := cfg.Workers
	if loops <= 0 {
		loops = runtime.GOMAXPROCS(0)
	}
	return &DatagramServer{app: cfg.App, loops: loops, batch: eventloop.Batch(cfg)}
}

// SharesPort implements targets.PortSharer: a socket per loop.
func (s *DatagramServer) SharesPort() {}

// Parallelism implements targets.DatagramServer: up to the cap of requests
// waiting on each loop, one computing per loop.
func (s *DatagramServer) Parallelism() targets.Parallelism {
	return targets.Parallelism{Slots: s.loops * targets.MaxDatagramsInFlight, CPU: s.loops}
}
