// Package fidelitytest holds the tests that check a model behaves as its name
// says, shared by the single-threaded models: many waits overlap on one
// thread, and CPU work on that thread stalls every connection. A model's test
// watches its requests with Threads (through a hook on the serving thread)
// and calls WaitsOverlap and CPUStalls with its address.
package fidelitytest

import (
	"net"
	"slices"
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
	// OverlapBound is a tenth of the waits served one after another (20 s):
	// 100 waits that overlap end in a little over one wait, and a model
	// that overlapped ten at a time would take this long. The margin is for
	// a loaded machine, not for the model.
	OverlapBound = Waiters * WaitTime / 10
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

// WaitsOverlap sends Waiters requests of /io?ms=200 at once, on connections
// opened beforehand, and checks that each is answered within OverlapBound
// of being sent: the waits overlapped. (Served one after
// another, the last would take Waiters × 200 ms.)
func WaitsOverlap(t *testing.T, addr string) {
	conns := make([]net.Conn, Waiters)
	for i := range conns {
		c, err := net.DialTimeout("tcp", addr, timeout)
		require.NoError(t, err)
		defer c.Close()
		conns[i] = c
	}
	path := "/io?ms=" + strconv.Itoa(int(WaitTime/time.Millisecond))
	var wg sync.WaitGroup
	statuses := make([]int, Waiters)
	took := make([]time.Duration, Waiters)
	for i, c := range conns {
		wg.Go(func() { took[i], statuses[i] = roundTrip(t, c, path, time.Now()) })
	}
	wg.Wait()
	for i, s := range statuses {
		assert.Equal(t, 200, s, "request %d", i)
	}
	slowest := slices.Max(took)
	t.Logf("%d waits of %v: slowest answered in %v", Waiters, WaitTime, slowest)
	assert.GreaterOrEqual(t, slices.Min(took), WaitTime)
	assert.Less(t, slowest, OverlapBound, "%d waits of %v did not overlap", Waiters, WaitTime)
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
