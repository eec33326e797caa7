package eventloop

import (
	"context"
	"fmt"
	"net"
	"syscall"

	"github.com/corobench/corobench/internal/poller"
)

// ServeDatagrams implements targets.DatagramServer: one loop, on this
// goroutine's OS thread, over a descriptor of pc's socket of its own.
func (s *DatagramServer) ServeDatagrams(ctx context.Context, pc net.PacketConn) error {
	sc, ok := pc.(syscall.Conn)
	if !ok {
		return fmt.Errorf("eventloop: %T has no socket", pc)
	}
	fd, err := poller.SocketFD(sc)
	if err != nil {
		return err
	}
	l, err := NewDatagramLoop(s.app, fd, s.batch)
	if err != nil {
		return err
	}
	l.OnRequest(s.onRequest)
	return l.Run(ctx)
}
