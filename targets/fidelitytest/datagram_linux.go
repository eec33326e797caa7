package fidelitytest

import (
	"testing"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
)

// DatagramOneThread checks a datagram server that serves every request on
// one OS thread: the waits of Waiters sockets overlap and one thread
// answers them all (DatagramWaitsOverlap), and a long /cpu stalls a
// /health from another socket (DatagramCPUStalls). newSrv makes a server
// that calls onRequest on the thread that answers each request. Its
// subtests run one after another: timing is asserted.
func DatagramOneThread(t *testing.T, newSrv func(onRequest func(*protocol.Request)) targets.DatagramServer) {
	t.Helper()
	watched := func(t *testing.T) (string, *Threads) {
		threads := NewThreads()
		srv := newSrv(func(req *protocol.Request) { threads.Saw(unix.Gettid(), req) })
		return conformancetest.ServeDatagrams(t, srv), threads
	}
	t.Run("waits overlap on one thread", func(t *testing.T) {
		addr, threads := watched(t)
		DatagramWaitsOverlap(t, addr)
		threads.AssertOne(t)
	})
	t.Run("CPU work stalls the loop", func(t *testing.T) {
		addr, threads := watched(t)
		DatagramCPUStalls(t, addr, threads)
	})
}
