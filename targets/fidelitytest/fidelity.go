// Package fidelitytest holds the tests that check a model behaves as its name
// says, shared by the single-threaded models: many waits overlap on one
// thread, and CPU work on that thread stalls every connection. A model's test
// watches its requests with Threads (through a hook on the serving thread)
// and calls WaitsOverlap and CPUStalls with its address.
package fidelitytest

import (
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets/conformancetest"
)

// Bounds of the fidelity tests: generous, so that a model fails them by what
// it is, not a loaded machine by how busy it is.
const (
	Waiters  = 100
	WaitTime = 200 * time.Millisecond
	// HoldTime is how long the held waits of DatagramWaitsHeld last. A
	// datagram server answers every wait it has taken before it stops, so
	// they cannot outlast the test as TCP's do; the /health sent behind
	// them needs only a round trip within it.
	HoldTime = 3 * time.Second
	// StallMicros is the CPU work the stalled /health sits behind.
	StallMicros = 200_000
	timeout     = 20 * time.Second
)

// Threads records which OS threads answered requests.
type Threads struct {
	mu         sync.Mutex
	tids       map[int]int
	cpuStarted chan struct{}
	once       sync.Once
}

// NewThreads returns an empty record.
func NewThreads() *Threads {
	return &Threads{tids: map[int]int{}, cpuStarted: make(chan struct{})}
}

// Saw records that thread tid is about to answer req.
func (th *Threads) Saw(tid int, req *protocol.Request) {
	th.mu.Lock()
	th.tids[tid]++
	th.mu.Unlock()
	if req.Endpoint == protocol.EndpointCPU {
		th.once.Do(func() { close(th.cpuStarted) })
	}
}

// AssertOne checks that requests were answered, all by one OS thread.
func (th *Threads) AssertOne(t *testing.T) {
	th.mu.Lock()
	defer th.mu.Unlock()
	assert.NotEmpty(t, th.tids, "no request was seen")
	assert.Len(t, th.tids, 1, "OS threads that answered requests (tid: count): %v", th.tids)
}

// Get sends one GET on a fresh connection and returns how long the answer
// took and its status.
func Get(t *testing.T, addr, path string) (time.Duration, int) {
	c, err := net.DialTimeout("tcp", addr, timeout)
	require.NoError(t, err)
	defer c.Close()
	start := time.Now()
	return roundTrip(t, c, path, start)
}

func roundTrip(t *testing.T, c net.Conn, path string, start time.Time) (time.Duration, int) {
	require.NoError(t, c.SetDeadline(time.Now().Add(timeout)))
	status := conformancetest.RoundTrip(t, c, path)
	return time.Since(start), status
}

// WaitsOverlap checks that Waiters waits are in flight at once, by events
// rather than by time: on each of Waiters connections, opened beforehand,
// it sends /health and, in the same write, a wait longer than the test
// (/io?ms=60000). Each /health answer says the server has read the wait
// behind it, and holds it: a model that served waits one, or a few, at a
// time could not answer the later ones until a wait ended, and reading
// them would time out. With all of them in flight, a wait of WaitTime on
// another connection is answered, no sooner than WaitTime. The server
// gives up the long waits when it stops, after its grace.
func WaitsOverlap(t *testing.T, addr string) {
	long := "GET /health HTTP/1.1\r\nHost: t\r\n\r\nGET /io?ms=" + strconv.Itoa(protocol.MaxWaitMillis) + " HTTP/1.1\r\nHost: t\r\n\r\n"
	conns := make([]net.Conn, Waiters)
	for i := range conns {
		c, err := net.DialTimeout("tcp", addr, timeout)
		require.NoError(t, err)
		defer c.Close()
		require.NoError(t, c.SetDeadline(time.Now().Add(timeout)))
		conns[i] = c
	}
	var wg sync.WaitGroup
	statuses := make([]int, Waiters)
	for i, c := range conns {
		wg.Go(func() {
			if _, err := io.WriteString(c, long); err != nil {
				return
			}
			statuses[i] = conformancetest.ReadStatus(t, c, "/health")
		})
	}
	wg.Wait()
	for i, s := range statuses {
		require.Equal(t, 200, s, "the /health before wait %d: the waits before it did not overlap", i)
	}
	took, status := Get(t, addr, "/io?ms="+strconv.Itoa(int(WaitTime/time.Millisecond)))
	assert.Equal(t, 200, status)
	assert.GreaterOrEqual(t, took, WaitTime)
	t.Logf("%d waits in flight at once; another of %v answered in %v", Waiters, WaitTime, took)
}

// CPUStalls starts /cpu?us=200000 on one connection and, once the server
// has begun it, sends /health on another: the /health answer must wait for
// the CPU work, so it takes more than half as long as the CPU request.
func CPUStalls(t *testing.T, addr string, th *Threads) {
	cpu, err := net.DialTimeout("tcp", addr, timeout)
	require.NoError(t, err)
	defer cpu.Close()
	health, err := net.DialTimeout("tcp", addr, timeout)
	require.NoError(t, err)
	defer health.Close()

	cpuDone := make(chan time.Duration, 1)
	go func() {
		took, status := roundTrip(t, cpu, "/cpu?us="+strconv.Itoa(StallMicros), time.Now())
		assert.Equal(t, 200, status)
		cpuDone <- took
	}()
	select {
	case <-th.cpuStarted:
	case <-time.After(timeout):
		t.Fatal("the server never began the CPU request")
	}
	healthTook, status := roundTrip(t, health, "/health", time.Now())
	assert.Equal(t, 200, status)
	cpuTook := <-cpuDone
	assert.Greater(t, healthTook, cpuTook/2,
		"/health (%v) did not wait for the CPU work (%v) on the one thread", healthTook, cpuTook)
	th.AssertOne(t)
}

// AssertMany checks that requests were answered by n OS threads.
func (th *Threads) AssertMany(t *testing.T, n int) {
	th.mu.Lock()
	defer th.mu.Unlock()
	assert.Len(t, th.tids, n, "OS threads that answered requests (tid: count): %v", th.tids)
}
