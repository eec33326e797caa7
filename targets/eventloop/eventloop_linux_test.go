package eventloop

import (
	"testing"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/fidelitytest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	srv := New(targets.Config{App: conformancetest.App("eventloop")})
	conformancetest.Run(t, conformancetest.Serve(t, srv), "eventloop")
}

// newWatched returns a server whose requests are watched: each one tells
// which OS thread answered it.
func newWatched(t *testing.T) (*Server, *fidelitytest.Threads) {
	threads := fidelitytest.NewThreads()
	srv := New(targets.Config{App: conformancetest.App("eventloop")})
	srv.onRequest = func(req *protocol.Request) { threads.Saw(unix.Gettid(), req) }
	return srv, threads
}

// 100 waits of 200 ms overlap on the one loop: they all end in a fraction of
// the time they would take one after another, and one OS thread answers them all.
func TestWaitsOverlapOnOneThread(t *testing.T) { // not parallel: timing is asserted
	srv, threads := newWatched(t)
	fidelitytest.WaitsOverlap(t, conformancetest.Serve(t, srv))
	threads.AssertOne(t)
}

// CPU work stalls the loop: /health behind a long /cpu on another
// connection waits for it.
func TestCPUWorkStallsTheLoop(t *testing.T) { // not parallel: timing is asserted
	srv, threads := newWatched(t)
	fidelitytest.CPUStalls(t, conformancetest.Serve(t, srv), threads)
}

func TestTimeouts(t *testing.T) {
	t.Parallel()
	srv := New(targets.Config{App: fidelitytest.App("eventloop")})
	fidelitytest.Timeouts(t, conformancetest.Serve(t, srv))
}

func TestShutdownFinishesInFlight(t *testing.T) {
	t.Parallel()
	fidelitytest.Shutdown(t, New(targets.Config{App: conformancetest.App("eventloop")}))
}

// A client that never reads the large answers it asked for does not keep
// the server from stopping once its grace is over.
func TestShutdownWithStuckWrites(t *testing.T) {
	t.Parallel()
	conformancetest.CheckStuckShutdown(t, New(targets.Config{App: conformancetest.App("eventloop")}))
}
