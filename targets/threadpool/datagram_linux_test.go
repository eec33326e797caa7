package threadpool_test

import (
	"testing"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/fidelitytest"
	"github.com/corobench/corobench/targets/threadpool"
)

func newDatagram(workers int) targets.DatagramServer {
	return threadpool.NewDatagram(targets.Config{App: conformancetest.App("threadpool"), Workers: workers})
}

func TestDatagramSuites(t *testing.T) {
	conformancetest.RunDatagramSuites(t, "threadpool", func() targets.DatagramServer { return newDatagram(0) })
}

// Waits overlap as far as there are threads, and no further: 2 threads
// serve 4 waits in two turns.
func TestDatagramWaitsPerThread(t *testing.T) {
	fidelitytest.DatagramWaitsOverlap(t, conformancetest.ServeDatagrams(t, newDatagram(fidelitytest.Waiters)))
	fidelitytest.DatagramWaitsInTurn(t, conformancetest.ServeDatagrams(t, newDatagram(2)), 4, 2)
}
