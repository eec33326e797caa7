package thread

import (
	"context"
	"net"
	"runtime"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/internal/blocking"
)

// ServeDatagrams implements targets.DatagramServer.
func (s *DatagramServer) ServeDatagrams(ctx context.Context, pc net.PacketConn) error {
	return targets.EachDatagram(ctx, pc, s.max, func(j *targets.DatagramJob) {
		go func() {
			defer j.Done()
			// Never unlocked: the thread ends when this goroutine does.
			runtime.LockOSThread()
			j.Serve(s.app, blocking.Sleep, nil)
		}()
	})
}
