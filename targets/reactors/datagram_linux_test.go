package reactors

import (
	"testing"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/fidelitytest"
)

func newDatagram(loops int) *DatagramServer {
	return NewDatagram(targets.Config{App: conformancetest.App("reactors"), Workers: loops})
}

func TestDatagramConformance(t *testing.T) {
	t.Parallel()
	conformancetest.RunDatagrams(t, conformancetest.ServeDatagrams(t, newDatagram(3)), "reactors")
}

func TestDatagramHostileInput(t *testing.T) {
	t.Parallel()
	conformancetest.RunDatagramHostile(t, conformancetest.ServeDatagrams(t, newDatagram(2)), "reactors")
}

func TestDatagramShutdown(t *testing.T) {
	t.Parallel()
	conformancetest.CheckDatagramShutdown(t, newDatagram(2))
}

// 100 waits from 100 sockets overlap, and both loops, each on its own
// thread with its own socket, answer some: the kernel spreads the sources.
func TestDatagramLoopsShareThePort(t *testing.T) { // not parallel: timing is asserted
	srv := newDatagram(2)
	threads := fidelitytest.NewThreads()
	srv.onRequest = func(req *protocol.Request) { threads.Saw(unix.Gettid(), req) }
	fidelitytest.DatagramWaitsOverlap(t, conformancetest.ServeDatagrams(t, srv))
	threads.AssertMany(t, 2)
}
