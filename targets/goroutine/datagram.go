package goroutine

import (
	"context"
	"net"
	"runtime"
	"time"

	"github.com/corobench/corobench/targets"
)

// DatagramServer reads datagrams on Go's netpoller and answers each on a
// goroutine of its own, which parks while it waits: ThreadingUDPServer's
// shape, with goroutines for threads. At most
// targets.MaxDatagramsInFlight are in hand at once.
type DatagramServer struct {
	app *targets.App
}

var _ targets.DatagramServer = (*DatagramServer)(nil)

// NewDatagram returns a goroutine-per-datagram server.
func NewDatagram(cfg targets.Config) *DatagramServer {
	return &DatagramServer{app: cfg.App}
}

// ServeDatagrams implements targets.DatagramServer.
func (s *DatagramServer) ServeDatagrams(ctx context.Context, pc net.PacketConn) error {
	return targets.EachDatagram(ctx, pc, targets.MaxDatagramsInFlight, func(j *targets.DatagramJob) {
		go func() {
			defer j.Done()
			j.Serve(s.app, time.Sleep, nil)
		}()
	})
}

// Parallelism implements targets.DatagramServer: any number of requests
// waiting (up to the cap), as many computing as there are Ps.
func (s *DatagramServer) Parallelism() targets.Parallelism {
	return targets.Parallelism{Slots: targets.MaxDatagramsInFlight, CPU: runtime.GOMAXPROCS(0)}
}
