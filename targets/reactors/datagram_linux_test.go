package reactors

import (
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
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
	addr := conformancetest.ServeDatagrams(t, srv)
	boundSockets(t, addr, 2)
	fidelitytest.DatagramWaitsOverlap(t, addr)
	threads.AssertMany(t, 2)
}

// boundSockets waits until n UDP sockets are bound to addr's port: the
// loops past the first bind theirs once ServeDatagrams has begun, and
// datagrams sent before go all to the first.
func boundSockets(t *testing.T, addr string, n int) {
	ua, err := net.ResolveUDPAddr("udp", addr)
	require.NoError(t, err)
	port := fmt.Sprintf(":%04X", ua.Port)
	require.Eventually(t, func() bool {
		b, err := os.ReadFile("/proc/net/udp")
		require.NoError(t, err)
		bound := 0
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) > 1 && strings.HasSuffix(f[1], port) {
				bound++
			}
		}
		return bound >= n
	}, conformancetest.Timeout, 5*time.Millisecond, "%d sockets bound to %s", n, addr)
}
