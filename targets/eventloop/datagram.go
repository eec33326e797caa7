package eventloop

import (
	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
)

// DefaultBatch is how many datagrams the loop reads with one recvmmsg, and
// sends with one sendmmsg, unless told otherwise.
const DefaultBatch = 64

// DatagramServer runs one DatagramLoop on one OS thread: non-blocking
// socket, epoll, recvmmsg and sendmmsg, waits as timers in the loop's heap,
// at most targets.MaxDatagramsInFlight waiting at once.
type DatagramServer struct {
	app   *targets.App
	batch int
	// onRequest, when set (by tests), is called on the loop thread before
	// each request is answered.
	onRequest func(*protocol.Request)
}

var _ targets.DatagramServer = (*DatagramServer)(nil)

// NewDatagram returns a single-threaded datagram event loop that moves up
// to cfg.DatagramBatch datagrams per system call (DefaultBatch when 0).
func NewDatagram(cfg targets.Config) *DatagramServer {
	return NewDatagramBatch(cfg, Batch(cfg))
}

// Batch is the datagrams per system call cfg asks of a datagram loop:
// cfg.DatagramBatch, or DefaultBatch when it is 0.
func Batch(cfg targets.Config) int {
	if cfg.DatagramBatch > 0 {
		return cfg.DatagramBatch
	}
	return DefaultBatch
}

// NewDatagramBatch is NewDatagram moving up to batch datagrams per system
// call; 1 makes one recvmsg and one sendmsg per datagram, as a loop without
// batching would.
func NewDatagramBatch(cfg targets.Config, batch int) *DatagramServer {
	return &DatagramServer{app: cfg.App, batch: max(batch, 1)}
}

// Parallelism implements targets.DatagramServer: up to the cap of requests
// waiting, one computing.
func (s *DatagramServer) Parallelism() targets.Parallelism {
	return targets.Parallelism{Slots: targets.MaxDatagramsInFlight, CPU: 1}
}
