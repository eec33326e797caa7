package eventloop

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/internal/evloop"
)

// reports waits once (a short timeout) and returns what mux reported.
func reports(t *testing.T, mux evloop.Multiplexer) (map[int]uint32, bool) {
	t.Helper()
	got := map[int]uint32{}
	woken, err := mux.Wait(20*time.Millisecond, func(fd int, ev uint32) { got[fd] |= ev })
	require.NoError(t, err)
	return got, woken
}

// socketPair returns two connected non-blocking stream sockets, closed at
// the test's end unless closed before.
func socketPair(t *testing.T) (a, b int) {
	t.Helper()
	a, b = rawPair(t)
	t.Cleanup(func() { unix.Close(a) })
	return a, b
}

// Every readiness call keeps the Multiplexer's contract: it reports what is
// watched and ready, nothing else; Mod and Del change that; Wake wakes it.
func TestMultiplexersKeepTheContract(t *testing.T) {
	for _, c := range calls {
		t.Run(c.model, func(t *testing.T) {
			t.Parallel()
			mux, err := newMux(c.call)
			require.NoError(t, err)
			defer mux.Close()
			a, b := socketPair(t)
			require.NoError(t, mux.Add(a, evloop.Readable))

			got, woken := reports(t, mux)
			assert.Empty(t, got, "nothing to read yet")
			assert.False(t, woken)

			unix.Write(b, []byte("x"))
			got, _ = reports(t, mux)
			assert.Equal(t, evloop.Readable, got[a]&evloop.Readable, "readable once a byte came")

			require.NoError(t, mux.Mod(a, evloop.Readable|evloop.Writable))
			got, _ = reports(t, mux)
			assert.Equal(t, evloop.Readable|evloop.Writable, got[a]&(evloop.Readable|evloop.Writable), "after Mod: readable and writable")

			require.NoError(t, mux.Mod(a, 0))
			got, _ = reports(t, mux)
			assert.Zero(t, got[a]&(evloop.Readable|evloop.Writable), "watched for nothing")

			require.NoError(t, mux.Mod(a, evloop.Readable))
			require.NoError(t, mux.Del(a))
			got, _ = reports(t, mux)
			assert.NotContains(t, got, a, "after Del")

			require.NoError(t, mux.Wake())
			_, woken = reports(t, mux)
			assert.True(t, woken, "Wake wakes it")
			_, woken = reports(t, mux)
			assert.False(t, woken, "once")

			// A closed descriptor is forgotten, and its number can be
			// watched again for another socket.
			x, _ := rawPair(t)
			require.NoError(t, mux.Add(x, evloop.Readable))
			unix.Close(x)
			if f, ok := mux.(evloop.Forgetter); ok {
				f.Forget(x)
			}
			_, err = mux.Wait(0, func(int, uint32) {})
			assert.NoError(t, err, "a wait after a watched descriptor closed")
			c2, d2 := socketPair(t)
			require.NoError(t, mux.Add(c2, evloop.Readable))
			unix.Write(d2, []byte("y"))
			got, _ = reports(t, mux)
			assert.Equal(t, evloop.Readable, got[c2]&evloop.Readable)
		})
	}
}

// rawPair is socketPair whose first socket the test closes itself (a
// second close could close another test's descriptor of that number).
func rawPair(t *testing.T) (a, b int) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	require.NoError(t, err)
	t.Cleanup(func() { unix.Close(fds[1]) })
	return fds[0], fds[1]
}

// Level-triggered calls report a socket at every wait while bytes wait to be
// read; edge-triggered epoll once per change, and again after a Mod.
func TestEdgeTriggeredReportsOncePerChange(t *testing.T) {
	for _, c := range calls {
		t.Run(c.model, func(t *testing.T) {
			t.Parallel()
			mux, err := newMux(c.call)
			require.NoError(t, err)
			defer mux.Close()
			a, b := socketPair(t)
			require.NoError(t, mux.Add(a, evloop.Readable))
			unix.Write(b, []byte("x"))
			got, _ := reports(t, mux)
			require.NotZero(t, got[a]&evloop.Readable)
			got, _ = reports(t, mux)
			assert.Equal(t, c.call != epollEdge, got[a]&evloop.Readable != 0, "reported again, the byte still unread")
			require.NoError(t, mux.Mod(a, evloop.Readable))
			got, _ = reports(t, mux)
			assert.NotZero(t, got[a]&evloop.Readable, "reported after a Mod")
		})
	}
}

// select cannot watch a descriptor past FD_SETSIZE: Add refuses it with an
// error instead of writing past its bitmaps. poll and epoll watch it.
func TestOnlySelectStopsAtFDSetSize(t *testing.T) {
	high := highDescriptor(t)
	for _, c := range calls {
		t.Run(c.model, func(t *testing.T) {
			mux, err := newMux(c.call)
			require.NoError(t, err)
			defer mux.Close()
			err = mux.Add(high, evloop.Readable)
			if c.call == selectCall {
				assert.ErrorIs(t, err, errFDSetSize)
				assert.ErrorIs(t, mux.Mod(high, evloop.Readable), errFDSetSize)
				return
			}
			require.NoError(t, err)
			require.NoError(t, mux.Del(high))
		})
	}
}

// highDescriptor returns a socket numbered FD_SETSIZE or more, closed at the
// test's end.
func highDescriptor(t *testing.T) int {
	t.Helper()
	a, _ := socketPair(t)
	high, err := unix.FcntlInt(uintptr(a), unix.F_DUPFD_CLOEXEC, unix.FD_SETSIZE)
	if err != nil {
		t.Skipf("cannot number a descriptor past FD_SETSIZE: %v (RLIMIT_NOFILE too low)", err)
	}
	t.Cleanup(func() { unix.Close(high) })
	return high
}

// A burst of pipelined requests larger than the loop's read buffer, sent in
// one write while the answers are read: every request is answered. On
// edge-triggered epoll this holds only if the loop reads until EAGAIN.
func TestBurstLargerThanTheReadBuffer(t *testing.T) {
	t.Parallel()
	const n = 4000 // 4,000 × 39 bytes: more than twice the 64 KiB read buffer
	req := "GET /health HTTP/1.1\r\nHost: t\r\n\r\n"
	for _, c := range calls {
		t.Run(c.model, func(t *testing.T) {
			t.Parallel()
			addr := conformancetest.Serve(t, newServer(targets.Config{App: conformancetest.App(c.model)}, c.call))
			conn := conformancetest.Dial(t, addr)
			conn.SetDeadline(time.Now().Add(conformancetest.Timeout))
			go conn.Write([]byte(strings.Repeat(req, n)))
			var buf []byte
			tmp := make([]byte, 64<<10)
			answered := 0
			for answered < n {
				var resp protocol.Response
				m, err := protocol.ParseResponse(buf, &resp)
				require.NoError(t, err)
				if m > 0 {
					require.Equal(t, 200, resp.Status)
					answered++
					buf = buf[m:]
					continue
				}
				k, err := conn.Read(tmp)
				require.NoError(t, err, "after %d answers of %d", answered, n)
				buf = append(buf, tmp[:k]...)
			}
		})
	}
}

// Answering a request allocates nothing: the parsed request lives in the
// loop, not on a stack that the onRequest hook would move to the heap.
func TestServeAllocatesNothing(t *testing.T) {
	l, err := newLoop(conformancetest.App("eventloop"), epollLevel)
	require.NoError(t, err)
	defer l.Close()
	l.OnRequest(func(*protocol.Request) {})
	a, b := socketPair(t)
	c := &conn{fd: a, events: evloop.Readable}
	c.timer.Value = c
	l.Put(a, c)
	req := []byte("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
	drain := make([]byte, 4096)
	allocs := testing.AllocsPerRun(100, func() {
		l.serve(c, req)
		unix.Read(b, drain)
	})
	assert.Zero(t, allocs, "allocations per request")
}
