package coro

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
	srv := NewDatagram(targets.Config{App: conformancetest.App("coro")})
	conformancetest.RunDatagrams(t, conformancetest.ServeDatagrams(t, srv), "coro")
}

func TestDatagramHostileInput(t *testing.T) {
	t.Parallel()
	srv := NewDatagram(targets.Config{App: conformancetest.App("coro")})
	conformancetest.RunDatagramHostile(t, conformancetest.ServeDatagrams(t, srv), "coro")
}

func TestDatagramShutdown(t *testing.T) {
	t.Parallel()
	conformancetest.CheckDatagramShutdown(t, NewDatagram(targets.Config{App: conformancetest.App("coro")}))
}

func newWatchedDatagram() (*DatagramServer, *fidelitytest.Threads) {
	threads := fidelitytest.NewThreads()
	srv := NewDatagram(targets.Config{App: conformancetest.App("coro")})
	srv.onRequest = func(req *protocol.Request) { threads.Saw(unix.Gettid(), req) }
	return srv, threads
}

// 100 waits from 100 sockets, each in a coroutine of its own, overlap on
// the loop, and the one loop thread answers them all.
func TestDatagramWaitsOverlapOnOneThread(t *testing.T) { // not parallel: timing is asserted
	srv, threads := newWatchedDatagram()
	fidelitytest.DatagramWaitsOverlap(t, conformancetest.ServeDatagrams(t, srv))
	threads.AssertOne(t)
}

// CPU work in one coroutine stalls every other request.
func TestDatagramCPUWorkStallsTheLoop(t *testing.T) { // not parallel: timing is asserted
	srv, threads := newWatchedDatagram()
	fidelitytest.DatagramCPUStalls(t, conformancetest.ServeDatagrams(t, srv), threads)
}
