//go:build !race

// The race detector enlarges every stack and its frames, so what is
// measured here means something only without it (CI runs it so).

package goroutine_test

import (
	"net"
	"runtime"
	"runtime/metrics"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/goroutine"
)

// TestIdleConnectionCost checks what an idle connection keeps in the
// goroutine model after one request of each kind: no buffer (they go back
// to a pool) and Go's smallest goroutine stack, 2 KiB, which the request
// path is kept shallow enough not to outgrow.
func TestIdleConnectionCost(t *testing.T) {
	const conns = 1000
	srv := goroutine.New(targets.Config{App: conformancetest.App("goroutine")})
	addr, err := net.ResolveTCPAddr("tcp", conformancetest.Serve(t, srv))
	require.NoError(t, err)
	port := addr.Port
	paths := []string{"/health", "/cpu?us=10", "/echo?size=64", "/io?ms=1", "/mix?us=5&ms=1", "/stats"}

	runtime.GC()
	stacks0, heap0 := memory()
	fds := make([]int, 0, conns)
	t.Cleanup(func() {
		for _, fd := range fds {
			unix.Close(fd)
		}
	})
	for i := range conns {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		require.NoError(t, err)
		fds = append(fds, fd)
		require.NoError(t, unix.Connect(fd, &unix.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}}))
		roundTrip(t, fd, paths[i%len(paths)])
	}
	runtime.GC()
	stacks, heap := memory()
	perConn := func(after, before uint64) float64 { return (float64(after) - float64(before)) / conns }
	assert.LessOrEqual(t, perConn(stacks, stacks0), 2560.0,
		"goroutine stack bytes per idle connection: a frame on the request path has grown")
	assert.LessOrEqual(t, perConn(heap, heap0), 1536.0,
		"heap bytes per idle connection: a buffer or per-connection object is held")
	t.Logf("per idle connection: stack %.0f B, heap %.0f B", perConn(stacks, stacks0), perConn(heap, heap0))
}

// TestNoAllocationsPerRequest checks that serving a request on an open
// connection allocates nothing: no garbage for the GC, whatever the load.
func TestNoAllocationsPerRequest(t *testing.T) {
	srv := goroutine.New(targets.Config{App: conformancetest.App("goroutine")})
	addr, err := net.ResolveTCPAddr("tcp", conformancetest.Serve(t, srv))
	require.NoError(t, err)
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	require.NoError(t, err)
	t.Cleanup(func() { unix.Close(fd) })
	require.NoError(t, unix.Connect(fd, &unix.SockaddrInet4{Port: addr.Port, Addr: [4]byte{127, 0, 0, 1}}))
	buf := make([]byte, 4096)
	var resp protocol.Response
	for _, path := range []string{"/health", "/cpu?us=10", "/echo?size=64"} {
		req := []byte("GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n")
		allocs := testing.AllocsPerRun(500, func() {
			if _, err := unix.Write(fd, req); err != nil {
				t.Fatal(err)
			}
			for got := 0; ; { // no assertion helpers here: they allocate
				m, err := unix.Read(fd, buf[got:])
				if err != nil || m == 0 {
					t.Fatalf("read: %d, %v", m, err)
				}
				got += m
				if n, err := protocol.ParseResponse(buf[:got], &resp); err != nil || n > 0 {
					if err != nil || n != got || resp.Status != 200 {
						t.Fatalf("answer: %d of %d bytes, status %d, %v", n, got, resp.Status, err)
					}
					return
				}
			}
		})
		assert.Zero(t, allocs, "allocations per request of %s", path)
	}
}

// roundTrip sends a GET of path on fd and reads the whole answer.
func roundTrip(t *testing.T, fd int, path string) {
	t.Helper()
	_, err := unix.Write(fd, []byte("GET "+path+" HTTP/1.1\r\nHost: t\r\n\r\n"))
	require.NoError(t, err)
	var buf []byte
	tmp := make([]byte, 512)
	for {
		var resp protocol.Response
		n, err := protocol.ParseResponse(buf, &resp)
		require.NoError(t, err)
		if n > 0 {
			require.Equal(t, 200, resp.Status, path)
			return
		}
		m, err := unix.Read(fd, tmp)
		require.NoError(t, err)
		require.Positive(t, m, "connection closed")
		buf = append(buf, tmp[:m]...)
	}
}

// memory returns the bytes of goroutine stacks and of live heap objects.
func memory() (stacks, heap uint64) {
	s := []metrics.Sample{{Name: "/memory/classes/heap/stacks:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64(), s[1].Value.Uint64()
}
