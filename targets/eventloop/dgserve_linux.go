package eventloop

import (
	"context"
	"fmt"
	"net"

	"github.com/corobench/corobench/internal/poller"
)

// ServeDatagrams implements targets.DatagramServer: one loop, on this
// goroutine's OS thread, over a descriptor of pc's socket of its own.
func (s *DatagramServer) ServeDatagrams(ctx context.Context, pc net.PacketConn) error {
	fd, err := poller.PacketSocketFD(pc)
	if err != nil {
		return fmt.Errorf("eventloop: %w", err)
	}
	l, err := NewDatagramLoop(s.app, fd, s.batch)
	if err != nil {
		return err
	}
	l.OnRequest(s.onRequest)
	return l.Run(ctx)
}
