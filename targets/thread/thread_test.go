package thread_test

import (
	"net"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/internal/proctest"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/thread"
)

func TestConformance(t *testing.T) {
	srv := thread.New(targets.Config{App: conformancetest.App("thread")})
	conformancetest.Run(t, conformancetest.Serve(t, srv), "thread")
}

// The process's OS threads rise with open connections and fall back once
// they close: a thread per connection, destroyed with it.
func TestThreadPerConnection(t *testing.T) {
	const conns = 40
	addr := conformancetest.Serve(t, thread.New(targets.Config{App: conformancetest.App("thread")}))
	before := threads(t)
	var open []net.Conn
	for range conns {
		open = append(open, conformancetest.Dial(t, addr))
	}
	during := threads(t)
	// Idle runtime threads may be the ones a connection takes over: count
	// what must be there, a thread per connection and one for the rest.
	assert.Greater(t, during, conns, "threads with %d connections open (before: %d)", conns, before)
	for _, c := range open {
		c.Close()
	}
	assert.Eventually(t, func() bool { return threads(t) < before+conns/2 },
		time.Minute, 10*time.Millisecond, "threads after the connections closed (before: %d, during: %d)", before, during)
}

// Connections beyond the cap wait in the backlog and are served as threads
// free up.
func TestCapOnThreads(t *testing.T) {
	t.Parallel()
	addr := conformancetest.Serve(t, thread.New(targets.Config{App: conformancetest.App("thread"), MaxConns: 1}))
	first := conformancetest.Dial(t, addr)
	second, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer second.Close()
	_, err = second.Write([]byte("GET /health HTTP/1.1\r\nHost: t\r\n\r\n"))
	require.NoError(t, err)
	second.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	_, err = second.Read(make([]byte, 1))
	assert.ErrorIs(t, err, os.ErrDeadlineExceeded, "the second connection waits while the first holds the only thread")
	first.Close()
	second.SetReadDeadline(time.Now().Add(conformancetest.Timeout))
	_, err = second.Read(make([]byte, 1))
	assert.NoError(t, err, "served once the first has gone")
}

func threads(t *testing.T) int {
	n, err := proctest.Threads(os.Getpid())
	require.NoError(t, err)
	return n
}

func TestShutdown(t *testing.T) {
	t.Parallel()
	conformancetest.CheckShutdown(t, thread.New(targets.Config{App: conformancetest.App("thread")}))
}

// A client that never reads the large answers it asked for does not keep
// the server from stopping once its grace is over.
func TestShutdownWithStuckWrites(t *testing.T) {
	t.Parallel()
	conformancetest.CheckStuckShutdown(t, thread.New(targets.Config{App: conformancetest.App("thread")}))
}
