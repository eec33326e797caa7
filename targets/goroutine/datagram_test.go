package goroutine_test

import (
	"testing"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/fidelitytest"
	"github.com/corobench/corobench/targets/goroutine"
)

func newDatagram() targets.DatagramServer {
	return goroutine.NewDatagram(targets.Config{App: conformancetest.App("goroutine")})
}

func TestDatagramSuites(t *testing.T) {
	conformancetest.RunDatagramSuites(t, "goroutine", func() targets.DatagramServer { return newDatagram() })
}

// A goroutine per datagram: the waits of many clients overlap.
func TestDatagramWaitsOverlap(t *testing.T) {
	fidelitytest.DatagramWaitsOverlap(t, conformancetest.ServeDatagrams(t, newDatagram()))
}
