package eventloop

import (
	"testing"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/fidelitytest"
)

// calls are the package's models: one loop, four readiness calls.
var calls = []struct {
	model string
	call  readiness
}{
	{"eventloop", epollLevel},
	{"eventloop-et", epollEdge},
	{"select", selectCall},
	{"poll", pollCall},
}

func TestConformance(t *testing.T) {
	t.Parallel()
	for _, c := range calls {
		t.Run(c.model, func(t *testing.T) {
			t.Parallel()
			srv := newServer(targets.Config{App: conformancetest.App(c.model)}, c.call)
			conformancetest.Run(t, conformancetest.Serve(t, srv), c.model)
		})
	}
}

// The bad-input suite in this process, so that the race detector and the
// goroutine-leak check see the models' own code under it.
func TestHostileInput(t *testing.T) {
	for _, c := range calls {
		t.Run(c.model, func(t *testing.T) {
			srv := newServer(targets.Config{App: conformancetest.App(c.model)}, c.call)
			conformancetest.RunHostile(t, conformancetest.Serve(t, srv), c.model)
		})
	}
}

// newWatched returns a server whose requests are watched: each one tells
// which OS thread answered it.
func newWatched(model string, call readiness) (*Server, *fidelitytest.Threads) {
	threads := fidelitytest.NewThreads()
	srv := newServer(targets.Config{App: conformancetest.App(model)}, call)
	srv.onRequest = func(req *protocol.Request) { threads.Saw(unix.Gettid(), req) }
	return srv, threads
}

// 100 waits are in flight at once on the one loop (fidelitytest.WaitsOverlap
// says how it knows, by events), and one OS thread answers them all.
func TestWaitsOverlapOnOneThread(t *testing.T) { // not parallel: timing is asserted
	for _, c := range calls {
		t.Run(c.model, func(t *testing.T) {
			srv, threads := newWatched(c.model, c.call)
			fidelitytest.WaitsOverlap(t, conformancetest.Serve(t, srv))
			threads.AssertOne(t)
		})
	}
}

// CPU work stalls the loop: /health behind a long /cpu on another
// connection waits for it.
func TestCPUWorkStallsTheLoop(t *testing.T) { // not parallel: timing is asserted
	for _, c := range calls {
		t.Run(c.model, func(t *testing.T) {
			srv, threads := newWatched(c.model, c.call)
			fidelitytest.CPUStalls(t, conformancetest.Serve(t, srv), threads)
		})
	}
}

func TestTimeouts(t *testing.T) {
	t.Parallel()
	for _, c := range calls {
		t.Run(c.model, func(t *testing.T) {
			t.Parallel()
			srv := newServer(targets.Config{App: fidelitytest.App(c.model)}, c.call)
			fidelitytest.Timeouts(t, conformancetest.Serve(t, srv))
		})
	}
}

func TestShutdownFinishesInFlight(t *testing.T) {
	t.Parallel()
	for _, c := range calls {
		t.Run(c.model, func(t *testing.T) {
			t.Parallel()
			fidelitytest.Shutdown(t, newServer(targets.Config{App: conformancetest.App(c.model)}, c.call))
		})
	}
}

// The file suite over every readiness call: edge-triggered, an upload's
// body is read until EAGAIN too.
func TestFiles(t *testing.T) {
	for _, c := range calls {
		t.Run(c.model, func(t *testing.T) {
			app, root := conformancetest.FilesApp(t, c.model)
			conformancetest.RunFiles(t, conformancetest.Serve(t, newServer(targets.Config{App: app}, c.call)), c.model, root)
		})
	}
}

func TestFilesWithFileThreads(t *testing.T) {
	app, root := conformancetest.FilesApp(t, "eventloop")
	conformancetest.RunFiles(t, conformancetest.Serve(t, New(targets.Config{App: app, FileThreads: 2})), "eventloop", root)
}

// A client that never reads the large answers it asked for does not keep
// the server from stopping once its grace is over.
func TestShutdownWithStuckWrites(t *testing.T) {
	t.Parallel()
	conformancetest.CheckStuckShutdown(t, New(targets.Config{App: conformancetest.App("eventloop")}))
}
