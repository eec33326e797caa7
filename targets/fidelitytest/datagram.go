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
)

// AskDatagram sends one request datagram from a fresh socket and returns
// how long its answer took and its status.
func AskDatagram(t *testing.T, addr, target string) (time.Duration, int) {
	c, err := net.Dial("udp", addr)
	require.NoError(t, err)
	defer c.Close()
	return askOn(t, c, target, time.Now())
}

func askOn(t *testing.T, c net.Conn, target string, start time.Time) (time.Duration, int) {
	require.NoError(t, c.SetDeadline(time.Now().Add(timeout)))
	_, err := c.Write(protocol.AppendDatagramRequest(nil, 1, target, nil))
	require.NoError(t, err)
	buf := make([]byte, protocol.MaxDatagram)
	n, err := c.Read(buf)
	require.NoError(t, err, "reading the answer to %s", target)
	var a protocol.DatagramAnswer
	require.NoError(t, protocol.ParseDatagramAnswer(buf[:n], &a))
	return time.Since(start), a.Status
}

// DatagramWaits sends waiters datagrams of /io?ms=200 at once, each from
// a socket of its own, and returns how long each answer took from when
// the first was sent.
func DatagramWaits(t *testing.T, addr string, waiters int) []time.Duration {
	conns := make([]net.Conn, waiters)
	for i := range conns {
		c, err := net.Dial("udp", addr)
		require.NoError(t, err)
		defer c.Close()
		conns[i] = c
	}
	target := "/io?ms=" + strconv.Itoa(int(WaitTime/time.Millisecond))
	var wg sync.WaitGroup
	statuses := make([]int, waiters)
	took := make([]time.Duration, waiters)
	start := time.Now() // one clock for all: the sends leave one after another
	for i, c := range conns {
		wg.Go(func() { took[i], statuses[i] = askOn(t, c, target, start) })
	}
	wg.Wait()
	for i, s := range statuses {
		assert.Equal(t, 200, s, "request %d", i)
	}
	return took
}

// DatagramWaitsOverlap is WaitsOverlap over datagrams: Waiters requests
// of /io?ms=200 from as many sockets at once are each answered within
// OverlapBound.
func DatagramWaitsOverlap(t *testing.T, addr string) {
	took := DatagramWaits(t, addr, Waiters)
	slowest := slices.Max(took)
	t.Logf("%d waits of %v over datagrams: slowest answered in %v", Waiters, WaitTime, slowest)
	assert.GreaterOrEqual(t, slices.Min(took), WaitTime)
	assert.Less(t, slowest, OverlapBound, "%d waits of %v did not overlap", Waiters, WaitTime)
}

// DatagramWaitsInTurn checks the opposite, for a server that serves slots
// datagrams at a time: of n waits of 200 ms sent at once, every one is
// answered, the last no sooner than ⌈n/slots⌉ × 200 ms.
func DatagramWaitsInTurn(t *testing.T, addr string, n, slots int) {
	took := DatagramWaits(t, addr, n)
	turns := (n + slots - 1) / slots
	assert.GreaterOrEqual(t, slices.Max(took), time.Duration(turns)*WaitTime, "%d waits served %d at a time: %v", n, slots, took)
}

// DatagramCPUStalls is CPUStalls over datagrams: /cpu?us=200000 from one
// socket and, once the server has begun it, /health from another; the
// /health answer must wait for the CPU work.
func DatagramCPUStalls(t *testing.T, addr string, th *Threads) {
	cpuDone := make(chan time.Duration, 1)
	go func() {
		took, status := AskDatagram(t, addr, "/cpu?us="+strconv.Itoa(StallMicros))
		assert.Equal(t, 200, status)
		cpuDone <- took
	}()
	select {
	case <-th.cpuStarted:
	case <-time.After(timeout):
		t.Fatal("the server never began the CPU request")
	}
	healthTook, status := AskDatagram(t, addr, "/health")
	assert.Equal(t, 200, status)
	cpuTook := <-cpuDone
	assert.Greater(t, healthTook, cpuTook/2,
		"/health (%v) did not wait for the CPU work (%v) on the one thread", healthTook, cpuTook)
	th.AssertOne(t)
}
