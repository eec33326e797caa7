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

func TestDatagramConformance(t *testing.T) {
	conformancetest.RunDatagrams(t, conformancetest.ServeDatagrams(t, newDatagram()), "goroutine")
}

func TestDatagramHostileInput(t *testing.T) {
	conformancetest.RunDatagramHostile(t, conformancetest.ServeDatagrams(t, newDatagram()), "goroutine")
}

func TestDatagramShutdown(t *testing.T) {
	conformancetest.CheckDatagramShutdown(t, newDatagram())
}

// A goroutine per datagram: the waits of many clients overlap.
func TestDatagramWaitsOverlap(t *testing.T) {
	fidelitytest.DatagramWaitsOverlap(t, conformancetest.ServeDatagrams(t, newDatagram()))
}
