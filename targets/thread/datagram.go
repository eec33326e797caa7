package thread

import (
	"runtime"

	"github.com/corobench/corobench/targets"
)

// DatagramServer answers each datagram on a new OS thread of its own, which
// waits with a blocking nanosleep, sends the answer and ends: Python's
// ThreadingUDPServer. The server reads datagrams on Go's poller and starts
// the threads; at most MaxConns are alive at once, and beyond that the
// datagrams wait in the socket's buffer.
type DatagramServer struct {
	app *targets.App
	max int
}

var _ targets.DatagramServer = (*DatagramServer)(nil)

// NewDatagram returns a thread-per-datagram server.
func NewDatagram(cfg targets.Config) *DatagramServer {
	return &DatagramServer{app: cfg.App, max: maxThreads(cfg)}
}

// Parallelism implements targets.DatagramServer: a request per live
// thread, as many computing as there are Ps.
func (s *DatagramServer) Parallelism() targets.Parallelism {
	return targets.Parallelism{Slots: s.max, CPU: runtime.GOMAXPROCS(0)}
}
