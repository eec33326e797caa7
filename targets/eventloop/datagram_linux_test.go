package eventloop

import (
	"testing"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/fidelitytest"
)

func TestDatagramConformance(t *testing.T) {
	t.Parallel()
	for _, batch := range []int{DefaultBatch, 1} {
		srv := NewDatagramBatch(targets.Config{App: conformancetest.App("eventloop")}, batch)
		conformancetest.RunDatagrams(t, conformancetest.ServeDatagrams(t, srv), "eventloop")
	}
}

func TestDatagramHostileInput(t *testing.T) {
	t.Parallel()
	srv := NewDatagram(targets.Config{App: conformancetest.App("eventloop")})
	conformancetest.RunDatagramHostile(t, conformancetest.ServeDatagrams(t, srv), "eventloop")
}

func TestDatagramShutdown(t *testing.T) {
	t.Parallel()
	conformancetest.CheckDatagramShutdown(t, NewDatagram(targets.Config{App: conformancetest.App("eventloop")}))
}

// newWatchedDatagram returns a datagram server whose requests are watched:
// each one tells which OS thread answered it.
func newWatchedDatagram() (*DatagramServer, *fidelitytest.Threads) {
	threads := fidelitytest.NewThreads()
	srv := NewDatagram(targets.Config{App: conformancetest.App("eventloop")})
	srv.onRequest = func(req *protocol.Request) { threads.Saw(unix.Gettid(), req) }
	return srv, threads
}

// 100 waits of 200 ms from 100 sockets overlap on the one loop, and one OS
// thread answers them all.
func TestDatagramWaitsOverlapOnOneThread(t *testing.T) { // not parallel: timing is asserted
	srv, threads := newWatchedDatagram()
	fidelitytest.DatagramWaitsOverlap(t, conformancetest.ServeDatagrams(t, srv))
	threads.AssertOne(t)
}

// CPU work stalls the loop: /health from another socket, sent once the
// loop has begun a long /cpu, waits for it.
func TestDatagramCPUWorkStallsTheLoop(t *testing.T) { // not parallel: timing is asserted
	srv, threads := newWatchedDatagram()
	fidelitytest.DatagramCPUStalls(t, conformancetest.ServeDatagrams(t, srv), threads)
}
