package threadpool

import (
	"context"
	"net"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/internal/blocking"
)

// ServeDatagrams implements targets.DatagramServer.
func (s *DatagramServer) ServeDatagrams(ctx context.Context, pc net.PacketConn) error {
	p := newPool(s.workers) // every worker has its thread before the first read
	defer p.close()
	close(s.ready)
	// A job in hand is either served by one of the workers or in the queue:
	// the queue never blocks the reader.
	return targets.EachDatagram(ctx, pc, 2*s.workers, func(j *targets.DatagramJob) {
		p.jobs <- func() {
			j.Serve(s.app, blocking.Sleep, nil)
			j.Done()
		}
	})
}
