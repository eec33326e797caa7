package thread_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/fidelitytest"
	"github.com/corobench/corobench/targets/thread"
)

func newDatagram(maxThreads int) targets.DatagramServer {
	return thread.NewDatagram(targets.Config{App: conformancetest.App("thread"), MaxConns: maxThreads})
}

func TestDatagramSuites(t *testing.T) {
	conformancetest.RunDatagramSuites(t, "thread", func() targets.DatagramServer { return newDatagram(0) })
}

// The process's OS threads rise with the datagrams in service and fall
// back once they are answered: a thread per datagram, ended with it.
func TestThreadPerDatagram(t *testing.T) {
	const inFlight = 40
	addr := conformancetest.ServeDatagrams(t, newDatagram(0))
	before := threads(t)
	c := conformancetest.DialDatagrams(t, addr)
	for id := range inFlight {
		_, err := c.Write(protocol.AppendDatagramRequest(nil, uint64(id), "/io?ms=1000", nil))
		require.NoError(t, err)
	}
	var during int
	assert.Eventually(t, func() bool { during = threads(t); return during > inFlight },
		5*time.Second, 10*time.Millisecond, "threads with %d datagrams waiting (before: %d)", inFlight, before)
	buf := make([]byte, 512)
	require.NoError(t, c.SetReadDeadline(time.Now().Add(conformancetest.Timeout)))
	for range inFlight {
		_, err := c.Read(buf)
		require.NoError(t, err)
	}
	assert.Eventually(t, func() bool { return threads(t) < before+inFlight/2 },
		time.Minute, 10*time.Millisecond, "threads after the answers (before: %d, during: %d)", before, during)
}

// Datagrams beyond the cap on threads wait in the socket's buffer and are
// served as threads free up: with one thread, waits are served in turn.
func TestCapOnDatagramThreads(t *testing.T) {
	t.Parallel()
	fidelitytest.DatagramWaitsInTurn(t, conformancetest.ServeDatagrams(t, newDatagram(1)), 3, 1)
}

// Unbounded by its cap, the waits of many clients overlap.
func TestDatagramWaitsOverlap(t *testing.T) {
	fidelitytest.DatagramWaitsOverlap(t, conformancetest.ServeDatagrams(t, newDatagram(0)))
}
