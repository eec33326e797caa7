package reactors

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
	srv := New(targets.Config{App: conformancetest.App("reactors"), Workers: 3})
	conformancetest.Run(t, conformancetest.Serve(t, srv), "reactors")
}

func TestDefaultLoopsIsGOMAXPROCS(t *testing.T) {
	t.Parallel()
	srv := New(targets.Config{App: conformancetest.App("reactors")})
	if srv.loops < 1 {
		t.Fatalf("loops = %d", srv.loops)
	}
}

func newWatched(loops int) (*Server, *fidelitytest.Threads) {
	threads := fidelitytest.NewThreads()
	srv := New(targets.Config{App: conformancetest.App("reactors"), Workers: loops})
	srv.onRequest = func(req *protocol.Request) { threads.Saw(unix.Gettid(), req) }
	return srv, threads
}

func TestWaitsOverlap(t *testing.T) { // not parallel: timing is asserted
	srv, _ := newWatched(2)
	fidelitytest.WaitsOverlap(t, conformancetest.Serve(t, srv))
}

// With two loops, CPU work stalls only its own loop: /health on a
// connection of the other loop is answered meanwhile, by another thread.
func TestCPUWorkStallsOnlyItsLoop(t *testing.T) { // not parallel: timing is asserted
	srv, threads := newWatched(2)
	fidelitytest.CPUStallsOneLoop(t, conformancetest.Serve(t, srv), threads)
}

// With one loop it is the event loop again: everything waits.
func TestOneLoopStallsAll(t *testing.T) { // not parallel: timing is asserted
	srv, threads := newWatched(1)
	fidelitytest.CPUStalls(t, conformancetest.Serve(t, srv), threads)
}

func TestTimeouts(t *testing.T) {
	t.Parallel()
	srv := New(targets.Config{App: fidelitytest.App("reactors"), Workers: 2})
	fidelitytest.Timeouts(t, conformancetest.Serve(t, srv))
}

func TestShutdownFinishesInFlight(t *testing.T) {
	t.Parallel()
	fidelitytest.Shutdown(t, New(targets.Config{App: conformancetest.App("reactors"), Workers: 2}))
}

// A client that never reads the large answers it asked for does not keep
// the server from stopping once its grace is over.
func TestShutdownWithStuckWrites(t *testing.T) {
	t.Parallel()
	conformancetest.CheckStuckShutdown(t, New(targets.Config{App: conformancetest.App("reactors"), Workers: 2}))
}

func TestFilesWithFileThreads(t *testing.T) {
	app, root := conformancetest.FilesApp(t, "reactors")
	conformancetest.RunFiles(t, conformancetest.Serve(t, New(targets.Config{App: app, Workers: 2, FileThreads: 1})), "reactors", root)
}
