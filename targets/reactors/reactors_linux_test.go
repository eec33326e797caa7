package reactors

import (
	"testing"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformance"
	"github.com/corobench/corobench/targets/fidelity"
	"github.com/corobench/corobench/targets/protocol"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	srv := New(targets.Config{App: conformance.App("reactors"), Workers: 3})
	conformance.Run(t, conformance.Serve(t, srv), "reactors")
}

func TestDefaultLoopsIsGOMAXPROCS(t *testing.T) {
	t.Parallel()
	srv := New(targets.Config{App: conformance.App("reactors")})
	if srv.loops < 1 {
		t.Fatalf("loops = %d", srv.loops)
	}
}

func newWatched(loops int) (*Server, *fidelity.Threads) {
	threads := fidelity.NewThreads()
	srv := New(targets.Config{App: conformance.App("reactors"), Workers: loops})
	srv.onRequest = func(req *protocol.Request) { threads.Saw(unix.Gettid(), req) }
	return srv, threads
}

func TestWaitsOverlap(t *testing.T) { // not parallel: timing is asserted
	srv, _ := newWatched(2)
	fidelity.WaitsOverlap(t, conformance.Serve(t, srv))
}

// With two loops, CPU work stalls only its own loop: /health on a
// connection of the other loop is answered meanwhile, by another thread.
func TestCPUWorkStallsOnlyItsLoop(t *testing.T) { // not parallel: timing is asserted
	srv, threads := newWatched(2)
	fidelity.CPUStallsOneLoop(t, conformance.Serve(t, srv), threads)
}

// With one loop it is the event loop again: everything waits.
func TestOneLoopStallsAll(t *testing.T) { // not parallel: timing is asserted
	srv, threads := newWatched(1)
	fidelity.CPUStalls(t, conformance.Serve(t, srv), threads)
}

func TestTimeouts(t *testing.T) {
	t.Parallel()
	srv := New(targets.Config{App: fidelity.App("reactors"), Workers: 2})
	fidelity.Timeouts(t, conformance.Serve(t, srv))
}

func TestShutdownFinishesInFlight(t *testing.T) {
	t.Parallel()
	fidelity.Shutdown(t, New(targets.Config{App: conformance.App("reactors"), Workers: 2}))
}
