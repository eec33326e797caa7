package fidelitytest

import (
	"net"
	"os"
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

// datagramWaits sends waiters datagrams of /io?ms=200 at once, each from
// a socket of its own, and returns how long each answer took from when
// the first was sent.
func datagramWaits(t *testing.T, addr string, waiters int) []time.Duration {
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
// in flight at once (DatagramWaitsHeld).
func DatagramWaitsOverlap(t *testing.T, addr string) {
	DatagramWaitsHeld(t, addr, Waiters)
}

// DatagramWaitsHeld checks by events, not by a bound on time, that the
// server at addr has n requests in flight at once: from n-1 sockets it
// sends a wait of HoldTime each, then /health from another. /health is
// answered while no wait has been: the server read the waits before it
// (a socket's datagrams are read in order) and holds them all, where a
// server of fewer slots could answer it only after a wait ended. Then every
// wait is answered, none sooner than HoldTime.
func DatagramWaitsHeld(t *testing.T, addr string, n int) {
	conns := make([]net.Conn, n-1)
	for i := range conns {
		c, err := net.Dial("udp", addr)
		require.NoError(t, err)
		defer c.Close()
		conns[i] = c
	}
	target := "/io?ms=" + strconv.Itoa(int(HoldTime/time.Millisecond))
	start := time.Now()
	for _, c := range conns {
		_, err := c.Write(protocol.AppendDatagramRequest(nil, 1, target, nil))
		require.NoError(t, err)
	}
	took, status := AskDatagram(t, addr, "/health")
	require.Equal(t, 200, status, "/health behind %d held waits", n-1)
	buf := make([]byte, protocol.MaxDatagram)
	for i, c := range conns { // a deadline already past would not even look
		require.NoError(t, c.SetReadDeadline(time.Now().Add(time.Millisecond)))
		_, err := c.Read(buf)
		require.ErrorIs(t, err, os.ErrDeadlineExceeded, "wait %d was answered before the /health behind it: not all in flight", i)
	}
	for i, c := range conns {
		require.NoError(t, c.SetReadDeadline(time.Now().Add(HoldTime+timeout)))
		m, err := c.Read(buf)
		require.NoError(t, err, "reading the answer to wait %d", i)
		var a protocol.DatagramAnswer
		require.NoError(t, protocol.ParseDatagramAnswer(buf[:m], &a))
		assert.Equal(t, 200, a.Status, "wait %d", i)
	}
	assert.GreaterOrEqual(t, time.Since(start), HoldTime)
	t.Logf("%d requests in flight at once: /health behind %d waits of %v answered in %v", n, n-1, HoldTime, took)
}

// DatagramWaitsInTurn checks the opposite, for a server that serves slots
// datagrams at a time: of n waits of 200 ms sent at once, every one is
// answered, the last no sooner than ⌈n/slots⌉ × 200 ms.
func DatagramWaitsInTurn(t *testing.T, addr string, n, slots int) {
	took := datagramWaits(t, addr, n)
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
