package threadpool

import (
	"context"
	"net"

	"github.com/corobench/corobench/targets/internal/blocking"
)

// ServeDatagrams implements targets.DatagramServer: the reader is the
// pool's first job, and each member's sender one more. The room lets in no
// more members than the pool has threads besides the reader's, so a
// sender waits for a thread only while a member that left sends its last
// lines.
func (s *ChatDatagramServer) ServeDatagrams(ctx context.Context, pc net.PacketConn) error {
	p := newPool(s.seats + 1)
	defer p.close()
	close(s.ready)
	done := make(chan error, 1)
	p.jobs <- func() {
		done <- blocking.ServeChatDatagrams(ctx, pc, s.room, func(send func()) { p.jobs <- send })
	}
	return <-done
}
