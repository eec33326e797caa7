package eventloop

import (
	"io"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

func TestFiles(t *testing.T) {
	app, root := conformancetest.FilesApp(t, "eventloop")
	conformancetest.RunFiles(t, conformancetest.Serve(t, New(targets.Config{App: app})), "eventloop", root)
}

func TestFilesWithFileThreads(t *testing.T) {
	app, root := conformancetest.FilesApp(t, "eventloop")
	conformancetest.RunFiles(t, conformancetest.Serve(t, New(targets.Config{App: app, FileThreads: 2})), "eventloop", root)
}

// With file threads the loop serves other connections while a disk job
// runs; inline, they would wait for it.
func TestDiskJobOffloaded(t *testing.T) {
	app, _ := conformancetest.FilesApp(t, "eventloop")
	addr := conformancetest.Serve(t, New(targets.Config{App: app, FileThreads: 1}))
	disk := conformancetest.Dial(t, addr)
	other := conformancetest.Dial(t, addr)
	_, err := io.WriteString(disk, "GET /disk?kb=65536&sync=1 HTTP/1.1\r\nHost: t\r\n\r\n")
	require.NoError(t, err)
	time.Sleep(5 * time.Millisecond) // the job has started
	_, err = io.WriteString(other, "GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
	require.NoError(t, err)
	buf := make([]byte, 512)
	require.NoError(t, other.SetReadDeadline(time.Now().Add(conformancetest.Timeout)))
	n, err := other.Read(buf)
	require.NoError(t, err)
	assert.Contains(t, string(buf[:n]), "eventloop\n")
	// The disk job is still running: its answer has not come.
	require.NoError(t, disk.SetReadDeadline(time.Now()))
	_, err = disk.Read(buf)
	assert.ErrorIs(t, err, os.ErrDeadlineExceeded, "the disk job answered before /health")
	require.NoError(t, disk.SetReadDeadline(time.Now().Add(conformancetest.Timeout)))
	n, err = disk.Read(buf)
	require.NoError(t, err)
	assert.Contains(t, string(buf[:n]), "kb=65536 crc32c=")
}

// A client that never reads the large answers it asked for does not keep
// the server from stopping once its grace is over.
func TestShutdownWithStuckWrites(t *testing.T) {
	t.Parallel()
	conformancetest.CheckStuckShutdown(t, New(targets.Config{App: conformancetest.App("eventloop")}))
}
