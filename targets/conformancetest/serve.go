package conformancetest

import (
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/work"
)

// TestRate is the work rate of in-process test targets: a fixed value, so
// tests need no calibration.
const TestRate = work.Rate(500)

// TestGrace is the shutdown grace of in-process test targets: long enough
// for the requests in flight the shutdown checks send, short enough that a
// check of what the grace ends takes little time.
const TestGrace = time.Second

// App returns the App of an in-process test target.
func App(model string) *targets.App {
	app := targets.NewApp(model, TestRate)
	app.ShutdownGrace = TestGrace
	return app
}

// Serve runs srv in this process on 127.0.0.1:0 until the test ends, and
// returns its address. At the end of the test it stops the server and checks
// that Serve returned cleanly.
func Serve(t *testing.T, srv targets.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done, "Serve after the context ended")
	})
	return ln.Addr().String()
}

// Dial opens a connection to addr and makes one /health round trip on it, so
// that when it returns the target is serving the connection; the connection
// stays open until the caller closes it or the test ends.
func Dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, Timeout)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	require.NoError(t, c.SetDeadline(time.Now().Add(Timeout)))
	require.Equal(t, 200, RoundTrip(t, c, "/health"))
	require.NoError(t, c.SetDeadline(time.Time{}))
	return c
}

// RoundTrip asks path on c and returns the status of the answer; the
// caller sets c's deadline.
func RoundTrip(t *testing.T, c net.Conn, path string) int {
	t.Helper()
	_, err := io.WriteString(c, get(path))
	require.NoError(t, err)
	status, _ := readAnswer(t, c, path)
	return status
}

// readAnswer reads c's next answer, to the request for path, and returns
// its status and what arrived behind it.
func readAnswer(t *testing.T, c net.Conn, path string) (status int, behind []byte) {
	t.Helper()
	var buf []byte
	tmp := make([]byte, 4096)
	for {
		var resp protocol.Response
		n, err := protocol.ParseResponse(buf, &resp)
		require.NoError(t, err)
		if n > 0 {
			return resp.Status, buf[n:]
		}
		m, err := c.Read(tmp)
		require.NoError(t, err, "reading the answer to %s", path)
		buf = append(buf, tmp[:m]...)
	}
}

// Start runs srv in this process on 127.0.0.1:0 and returns its address and
// stop, which ends Serve's context and checks that Serve returns nil within
// Timeout.
func Start(t *testing.T, srv targets.Server) (addr string, stop func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	return ln.Addr().String(), func() {
		t.Helper()
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err, "Serve after the context ended")
		case <-time.After(Timeout):
			require.FailNow(t, "Serve did not return after the context ended")
		}
	}
}

// CheckShutdown checks how srv stops: with one connection idle and one
// waiting for an answer, ending Serve's context lets the answer arrive,
// closes the idle connection and makes Serve return, all within Timeout.
func CheckShutdown(t *testing.T, srv targets.Server) {
	t.Helper()
	addr, stop := Start(t, srv)
	idle := Dial(t, addr)
	busy := Dial(t, addr)
	// /health first, in the same write: its answer says the server has
	// read the /io request behind it, which is then in flight.
	_, err := io.WriteString(busy, get("/health")+get("/io?ms=300"))
	require.NoError(t, err)
	busy.SetReadDeadline(time.Now().Add(Timeout))
	_, behind := readAnswer(t, busy, "/health")
	stop()
	rest, err := io.ReadAll(busy)
	require.NoError(t, err)
	require.Contains(t, string(append(behind, rest...)), "HTTP/1.1 200 ", "the request in flight is answered")
	idle.SetReadDeadline(time.Now().Add(Timeout))
	_, err = idle.Read(make([]byte, 1))
	require.ErrorIs(t, err, io.EOF, "the idle connection is closed")
}

// CheckStuckShutdown checks that srv stops, once its grace is over, when a
// client has asked for large answers and never reads them: the server's
// writes are stuck, and it must give up on them. srv's App has TestGrace.
func CheckStuckShutdown(t *testing.T, srv targets.Server) {
	t.Helper()
	addr, stop := Start(t, srv)
	stuck := Dial(t, addr)
	require.NoError(t, stuck.SetWriteDeadline(time.Now().Add(Timeout)))
	_, err := io.WriteString(stuck, strings.Repeat(get("/echo?size=1048576"), 50))
	require.NoError(t, err)
	time.Sleep(200 * time.Millisecond) // the server's writes fill the socket's buffers
	start := time.Now()
	stop()
	t.Logf("stopped in %v", time.Since(start).Round(time.Millisecond))
}
