package coro

import (
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/fidelitytest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	srv := New(targets.Config{App: conformancetest.App("coro")})
	conformancetest.Run(t, conformancetest.Serve(t, srv), "coro")
}

// newWatched returns a server whose coroutines are watched: each read tells
// which OS thread the coroutine runs on, and whether it is the loop's.
func newWatched() (*Server, *fidelitytest.Threads, *atomic.Int64) {
	threads := fidelitytest.NewThreads()
	var offLoop atomic.Int64
	srv := New(targets.Config{App: conformancetest.App("coro")})
	srv.onRead = func(loopTID int, b []byte) {
		tid := unix.Gettid()
		if tid != loopTID {
			offLoop.Add(1)
		}
		var req protocol.Request
		if n, _ := protocol.ParseRequest(b, &req); n > 0 {
			threads.Saw(tid, &req)
		}
	}
	return srv, threads, &offLoop
}

// 100 waits are in flight at once (fidelitytest.WaitsOverlap says how it
// knows, by events), each coroutine running on the loop's own
// OS thread.
func TestWaitsOverlapOnOneThread(t *testing.T) { // not parallel: timing is asserted
	srv, threads, offLoop := newWatched()
	fidelitytest.WaitsOverlap(t, conformancetest.Serve(t, srv))
	threads.AssertOne(t)
	assert.Zero(t, offLoop.Load(), "reads made by a coroutine off the loop's thread")
}

// CPU work runs inside the coroutine and stalls the loop, as in gevent.
func TestCPUWorkStallsTheLoop(t *testing.T) { // not parallel: timing is asserted
	srv, threads, offLoop := newWatched()
	fidelitytest.CPUStalls(t, conformancetest.Serve(t, srv), threads)
	assert.Zero(t, offLoop.Load(), "reads made by a coroutine off the loop's thread")
}

func TestTimeouts(t *testing.T) {
	t.Parallel()
	srv := New(targets.Config{App: fidelitytest.App("coro")})
	fidelitytest.Timeouts(t, conformancetest.Serve(t, srv))
}

func TestShutdownFinishesInFlight(t *testing.T) {
	t.Parallel()
	fidelitytest.Shutdown(t, New(targets.Config{App: conformancetest.App("coro")}))
}

// A client that never reads the large answers it asked for does not keep
// the server from stopping once its grace is over.
func TestShutdownWithStuckWrites(t *testing.T) {
	t.Parallel()
	conformancetest.CheckStuckShutdown(t, New(targets.Config{App: conformancetest.App("coro")}))
}
