package fidelitytest

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
)

// ShortTimeout is the idle and request timeout of App, so that Timeouts
// runs in a fraction of a second. Not shorter: on a loaded machine a
// server may first look at a connection after a very short idle timeout
// is already due, and then rightly close it before reading its bytes.
const ShortTimeout = 300 * time.Millisecond

// App returns a test App with short idle and request timeouts.
func App(model string) *targets.App {
	app := conformancetest.App(model)
	app.IdleTimeout, app.RequestTimeout = ShortTimeout, ShortTimeout
	return app
}

// Timeouts checks, against a server made with App, that an idle connection
// is closed quietly and a request that stalls half-sent is answered 408.
func Timeouts(t *testing.T, addr string) {
	t.Run("idle", func(t *testing.T) {
		c, err := net.DialTimeout("tcp", addr, timeout)
		require.NoError(t, err)
		defer c.Close()
		require.NoError(t, c.SetDeadline(time.Now().Add(timeout)))
		got, err := io.ReadAll(c)
		require.NoError(t, err)
		assert.Empty(t, got, "an idle connection is closed without an answer")
	})
	t.Run("slow request", func(t *testing.T) {
		c, err := net.DialTimeout("tcp", addr, timeout)
		require.NoError(t, err)
		defer c.Close()
		require.NoError(t, c.SetDeadline(time.Now().Add(timeout)))
		_, err = io.WriteString(c, "GET /health HTTP/1.1\r\nHo")
		require.NoError(t, err)
		got, err := io.ReadAll(c)
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(string(got), "HTTP/1.1 408 "), "%q", got)
	})
}

// InFlight sends /health and a GET of path on c in one write, and returns
// once /health is answered: the server has read the request behind it,
// which is then in flight. Its answer is next in what InFlight returns.
// The caller sets c's deadline.
func InFlight(t *testing.T, c net.Conn, path string) *bufio.Reader {
	t.Helper()
	_, err := io.WriteString(c, "GET /health HTTP/1.1\r\nHost: t\r\n\r\nGET "+path+" HTTP/1.1\r\nHost: t\r\n\r\n")
	require.NoError(t, err)
	r := bufio.NewReader(c)
	resp, err := http.ReadResponse(r, nil)
	require.NoError(t, err, "the /health before %s", path)
	_, err = io.Copy(io.Discard, resp.Body)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode, "the /health before %s", path)
	return r
}

// Shutdown runs srv, and ends its context while one request waits and
// another connection is idle: the waiting request is answered, the idle
// connection closed, and Serve returns nil.
func Shutdown(t *testing.T, srv targets.Server) {
	addr, stop := conformancetest.Start(t, srv)
	idle, err := net.DialTimeout("tcp", addr, timeout)
	require.NoError(t, err)
	defer idle.Close()
	busy, err := net.DialTimeout("tcp", addr, timeout)
	require.NoError(t, err)
	defer busy.Close()
	// /health first, in the same write: its answer says the server has
	// read the /io request behind it, which is then in flight.
	require.NoError(t, busy.SetDeadline(time.Now().Add(timeout)))
	answers := InFlight(t, busy, "/io?ms=300")
	stop()
	resp, err := http.ReadResponse(answers, nil)
	require.NoError(t, err, "the answer to the request in flight")
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode, "the request in flight is answered")
	require.NoError(t, idle.SetDeadline(time.Now().Add(timeout)))
	_, err = idle.Read(make([]byte, 1))
	assert.Error(t, err, "the idle connection is closed")
	_, err = net.DialTimeout("tcp", addr, time.Second)
	assert.Error(t, err, "the listener is closed")
}
