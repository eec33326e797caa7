package prefork_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/fidelitytest"
)

// One worker, so that /stats, which each worker answers with its own
// counts, sees the drops the suite sent before it.
func TestDatagramConformance(t *testing.T) {
	conformancetest.RunDatagrams(t, conformancetest.ServeDatagrams(t, newServer(1)), "prefork")
}

func TestDatagramHostileInput(t *testing.T) {
	conformancetest.RunDatagramHostile(t, conformancetest.ServeDatagrams(t, newServer(2)), "prefork")
}

func TestDatagramShutdown(t *testing.T) {
	conformancetest.CheckDatagramShutdown(t, newServer(2))
	assert.Empty(t, children(t), "workers left after ServeDatagrams returned")
}

// The workers, made at start, share one socket and each serves one
// datagram at a time: 2 workers serve 4 waits in two turns, and 4 workers
// hold 4 requests at once.
func TestDatagramWorkersShareTheSocket(t *testing.T) {
	fidelitytest.DatagramWaitsInTurn(t, conformancetest.ServeDatagrams(t, newServer(2)), 4, 2)
	srv := newServer(4)
	addr := conformancetest.ServeDatagrams(t, srv)
	<-srv.Ready()
	fidelitytest.DatagramWaitsHeld(t, addr, 4)
}

// A datagram worker that dies is replaced, and the server goes on
// answering.
func TestDeadDatagramWorkerIsReplaced(t *testing.T) {
	addr := conformancetest.ServeDatagrams(t, newServer(2))
	replacesDeadWorker(t, 2, func() {
		a := conformancetest.AskDatagram(t, addr, "/health", time.Second)
		assert.Equal(t, "prefork\n", string(a.Body))
	})
}
