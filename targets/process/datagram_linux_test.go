package process_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/internal/spawn/spawntest"
	"github.com/corobench/corobench/targets/process"
)

func newDatagram(maxChildren int) targets.DatagramServer {
	return process.NewDatagram(targets.Config{App: conformancetest.App("process"), MaxConns: maxChildren, Self: spawntest.Self()})
}

// Child processes rise with the datagrams in service, a child each, and
// fall back to none once they are answered; every one is reaped, none is
// left a zombie. The answers come from the server's port.
func TestProcessPerDatagram(t *testing.T) {
	const inFlight = 6
	addr := conformancetest.ServeDatagrams(t, newDatagram(0))
	c := conformancetest.DialDatagrams(t, addr)
	for id := range inFlight {
		_, err := c.Write(protocol.AppendDatagramRequest(nil, uint64(id), "/io?ms=2000", nil))
		require.NoError(t, err)
	}
	assert.Eventually(t, func() bool { return len(children(t)) == inFlight }, 10*time.Second, 10*time.Millisecond,
		"a child per datagram in service")
	buf := make([]byte, 512)
	require.NoError(t, c.SetReadDeadline(time.Now().Add(conformancetest.Timeout)))
	got := map[uint64]bool{}
	for range inFlight {
		n, err := c.Read(buf)
		require.NoError(t, err)
		var a protocol.DatagramAnswer
		require.NoError(t, protocol.ParseDatagramAnswer(buf[:n], &a))
		assert.Equal(t, 200, a.Status)
		got[a.ID] = true
	}
	assert.Len(t, got, inFlight)
	assert.Eventually(t, func() bool { return len(children(t)) == 0 }, time.Minute, 10*time.Millisecond,
		"children, zombies included, after the answers")
}

// A datagram with no id is dropped by the parent, and /stats, answered by
// the parent, counts it and the requests the children answered.
func TestDatagramCountsInTheParent(t *testing.T) {
	addr := conformancetest.ServeDatagrams(t, newDatagram(0))
	a := conformancetest.AskDatagram(t, addr, "/health", 10*time.Second)
	assert.Equal(t, "process\n", string(a.Body))
	c := conformancetest.DialDatagrams(t, addr)
	_, err := c.Write([]byte("no id"))
	require.NoError(t, err)
	assert.Eventually(t, func() bool {
		a := conformancetest.AskDatagram(t, addr, "/stats", time.Second)
		return string(a.Body) == "requests 1\ndropped 1\n"
	}, 10*time.Second, 50*time.Millisecond)
}

func TestDatagramShutdown(t *testing.T) {
	conformancetest.CheckDatagramShutdown(t, newDatagram(0))
	assert.Empty(t, children(t), "children left after ServeDatagrams returned")
}
