package coro

import (
	"testing"

	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/fidelitytest"
)

func newDatagram(onRequest func(*protocol.Request)) targets.DatagramServer {
	srv := NewDatagram(targets.Config{App: conformancetest.App("coro")})
	srv.onRequest = onRequest
	return srv
}

func TestDatagramSuites(t *testing.T) {
	t.Parallel()
	conformancetest.RunDatagramSuites(t, "coro", func() targets.DatagramServer { return newDatagram(nil) })
}

// 100 waits from 100 sockets, each in a coroutine of its own, overlap on
// the loop, and the one loop thread answers them all; CPU work in one
// coroutine stalls every other request.
func TestDatagramOneThread(t *testing.T) { // not parallel: timing is asserted
	fidelitytest.DatagramOneThread(t, newDatagram)
}
