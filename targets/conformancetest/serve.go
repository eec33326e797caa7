package conformancetest

import (
	"context"
	"io"
	"net"
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

// App returns the App of an in-process test target.
func App(model string) *targets.App { return targets.NewApp(model, TestRate) }

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
	_, err = io.WriteString(c, get("/health"))
	require.NoError(t, err)
	var buf []byte
	tmp := make([]byte, 4096)
	for {
		var resp protocol.Response
		n, err := protocol.ParseResponse(buf, &resp)
		require.NoError(t, err)
		if n > 0 {
			require.Equal(t, 200, resp.Status)
			break
		}
		m, err := c.Read(tmp)
		require.NoError(t, err)
		buf = append(buf, tmp[:m]...)
	}
	require.NoError(t, c.SetDeadline(time.Time{}))
	return c
}

// CheckShutdown checks how srv stops: with one connection idle and one
// waiting for an answer, ending Serve's context lets the answer arrive,
// closes the idle connection and makes Serve return, all within Timeout.
func CheckShutdown(t *testing.T, srv targets.Server) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	idle := Dial(t, ln.Addr().String())
	busy := Dial(t, ln.Addr().String())
	_, err = io.WriteString(busy, get("/io?ms=300"))
	require.NoError(t, err)
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err, "Serve after the context ended")
	case <-time.After(Timeout):
		require.FailNow(t, "Serve did not return after the context ended")
	}
	busy.SetReadDeadline(time.Now().Add(Timeout))
	resp, err := io.ReadAll(busy)
	require.NoError(t, err)
	require.Contains(t, string(resp), "HTTP/1.1 200 ", "the request in flight is answered")
	idle.SetReadDeadline(time.Now().Add(Timeout))
	_, err = idle.Read(make([]byte, 1))
	require.ErrorIs(t, err, io.EOF, "the idle connection is closed")
}
