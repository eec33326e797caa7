package threadpool_test

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
	"github.com/corobench/corobench/targets/threadpool"
)

func TestConformance(t *testing.T) {
	srv := threadpool.New(targets.Config{App: conformancetest.App("threadpool")})
	conformancetest.Run(t, conformancetest.Serve(t, srv), "threadpool")
}

func TestShutdown(t *testing.T) {
	t.Parallel()
	conformancetest.CheckShutdown(t, threadpool.New(targets.Config{App: conformancetest.App("threadpool"), Workers: 4}))
}

// The threads are made at start, one per worker, and stay.
func TestThreadsMadeAtStart(t *testing.T) {
	const workers = 30
	before := threads(t)
	addr := conformancetest.Serve(t, threadpool.New(targets.Config{App: conformancetest.App("threadpool"), Workers: workers}))
	conformancetest.Dial(t, addr)
	assert.Eventually(t, func() bool { return threads(t) > workers }, time.Minute, 10*time.Millisecond,
		"a thread per worker, with no connection (before: %d)", before)
}

// With every worker busy, a connection waits until one is free.
func TestBusyWorkersQueue(t *testing.T) {
	t.Parallel()
	addr := conformancetest.Serve(t, threadpool.New(targets.Config{App: conformancetest.App("threadpool"), Workers: 1}))
	first := conformancetest.Dial(t, addr)
	second, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer second.Close()
	_, err = second.Write([]byte("GET /health HTTP/1.1\r\nHost: t\r\n\r\n"))
	require.NoError(t, err)
	second.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	_, err = second.Read(make([]byte, 1))
	assert.ErrorIs(t, err, os.ErrDeadlineExceeded, "the second connection waits while the first holds the only worker")
	first.Close()
	second.SetReadDeadline(time.Now().Add(conformancetest.Timeout))
	_, err = second.Read(make([]byte, 1))
	assert.NoError(t, err, "served once the worker is free")
}

func threads(t *testing.T) int {
	n, err := proctest.Threads(os.Getpid())
	require.NoError(t, err)
	return n
}

// A client that never reads the large answers it asked for does not keep
// the server from stopping once its grace is over.
func TestShutdownWithStuckWrites(t *testing.T) {
	t.Parallel()
	conformancetest.CheckStuckShutdown(t, threadpool.New(targets.Config{App: conformancetest.App("threadpool"), Workers: 4}))
}
