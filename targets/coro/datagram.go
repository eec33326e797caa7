package coro

import (
	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/eventloop"
)

// DatagramServer runs one datagram event loop (eventloop.DatagramLoop:
// one OS thread, recvmmsg and sendmmsg) whose requests are each served by
// a coroutine (iter.Pull) of sequential code — wait, work, answer — that
// yields to the loop for as long as it must wait, and is resumed by the
// loop's timer.
type DatagramServer struct {
	app   *targets.App
	batch int // datagrams per system call
	// onRequest, when set (by tests), is called on the loop thread before
	// each request is answered.
	onRequest func(*protocol.Request)
}

var _ targets.DatagramServer = (*DatagramServer)(nil)

// NewDatagram returns a coroutine-per-datagram server.
func NewDatagram(cfg targets.Config) *DatagramServer {
	return &DatagramServer{app: cfg.App, batch: eventloop.Batch(cfg)}
}

// Parallelism implements targets.DatagramServer: up to the cap of requests
// waiting, one computing.
func (s *DatagramServer) Parallelism() targets.Parallelism {
	return targets.Parallelism{Slots: targets.MaxDatagramsInFlight, CPU: 1}
}
