package loop

import (
	"context"
	"net"
	"time"

	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
)

// DatagramServer serves one datagram at a time: recvfrom, the work (a wait
// sleeps, and everyone else waits with it), sendto, and the next. No
// connection is held, so every client is served in turn: the textbook's
// loop server over UDP.
type DatagramServer struct {
	app *targets.App
}

var _ targets.DatagramServer = (*DatagramServer)(nil)

// NewDatagram returns a sequential datagram server.
func NewDatagram(cfg targets.Config) *DatagramServer {
	return &DatagramServer{app: cfg.App}
}

// ServeDatagrams implements targets.DatagramServer.
func (s *DatagramServer) ServeDatagrams(ctx context.Context, pc net.PacketConn) error {
	defer targets.WakeOnDone(ctx, pc)()
	buf := make([]byte, targets.DatagramBuffer)
	out := make([]byte, 0, protocol.MaxDatagram)
	var d targets.Datagram
	for {
		n, from, err := targets.ReadDatagramFrom(pc, buf)
		if err != nil {
			if stop, err := targets.DatagramReadFailed(ctx, err); stop {
				return err
			}
			continue
		}
		if !s.app.ReadDatagram(buf[:n], &d) {
			continue
		}
		if w := d.Wait(); w > 0 {
			time.Sleep(w)
		}
		out = s.app.AnswerDatagram(out[:0], &d)
		targets.WriteDatagramTo(pc, out, from) // a datagram that cannot leave is lost
	}
}

// Parallelism implements targets.DatagramServer: one request at a time.
func (s *DatagramServer) Parallelism() targets.Parallelism {
	return targets.Parallelism{Slots: 1, CPU: 1}
}
