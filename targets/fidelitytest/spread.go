package fidelitytest

import (
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// CPUStallsOneLoop is CPUStalls for a model with more than one loop that
// deals connections in turn: the /cpu connection is opened first and lands
// on the first loop, the /health one on the second, so /health does not
// wait for the CPU work.
func CPUStallsOneLoop(t *testing.T, addr string, th *Threads) {
	cpu, err := net.DialTimeout("tcp", addr, timeout)
	require.NoError(t, err)
	defer cpu.Close()
	_, status := roundTrip(t, cpu, "/health", time.Now()) // accepted and placed before the next dial
	require.Equal(t, 200, status)
	health, err := net.DialTimeout("tcp", addr, timeout)
	require.NoError(t, err)
	defer health.Close()
	// Placed on the second loop before the first one gets busy: the first
	// loop also accepts, and would accept only after its CPU work.
	_, status = roundTrip(t, health, "/health", time.Now())
	require.Equal(t, 200, status)

	cpuDone := make(chan time.Duration, 1)
	go func() {
		took, status := roundTrip(t, cpu, "/cpu?us=200000", time.Now())
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
	assert.Less(t, healthTook, cpuTook/2,
		"/health (%v) on the second loop waited for CPU work (%v) on the first", healthTook, cpuTook)
	th.mu.Lock()
	defer th.mu.Unlock()
	assert.Len(t, th.tids, 2, "two loops, two OS threads answering (tid: count): %v", th.tids)
}
