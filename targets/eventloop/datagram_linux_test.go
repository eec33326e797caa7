package eventloop

import (
	"testing"

	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/fidelitytest"
)

func newDatagram(batch int, onRequest func(*protocol.Request)) targets.DatagramServer {
	srv := NewDatagram(targets.Config{App: conformancetest.App("eventloop"), DatagramBatch: batch})
	srv.onRequest = onRequest
	return srv
}

// The suites pass with batching (recvmmsg, sendmmsg) and without.
func TestDatagramSuites(t *testing.T) {
	t.Parallel()
	for _, batch := range []int{DefaultBatch, 1} {
		conformancetest.RunDatagramSuites(t, "eventloop", func() targets.DatagramServer { return newDatagram(batch, nil) })
	}
}

// 100 waits of 200 ms from 100 sockets overlap on the one loop, and one OS
// thread answers them all; CPU work stalls the loop: /health from another
// socket, sent once the loop has begun a long /cpu, waits for it.
func TestDatagramOneThread(t *testing.T) { // not parallel: timing is asserted
	fidelitytest.DatagramOneThread(t, func(onRequest func(*protocol.Request)) targets.DatagramServer {
		return newDatagram(0, onRequest)
	})
}
