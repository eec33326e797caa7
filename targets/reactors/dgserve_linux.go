package reactors

import (
	"context"
	"fmt"
	"net"

	"golang.org/x/sync/errgroup"
	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/internal/poller"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/eventloop"
)

// ServeDatagrams implements targets.DatagramServer: the first loop serves
// pc's socket, each other one a socket it binds to pc's port. pc must let
// its port be shared (targets.ListenDatagrams does, for a PortSharer).
// When one loop fails, the others stop too.
func (s *DatagramServer) ServeDatagrams(ctx context.Context, pc net.PacketConn) error {
	fds := make([]int, 0, s.loops)
	closeFDs := func() {
		for _, fd := range fds {
			unix.Close(fd)
		}
	}
	fd, err := poller.PacketSocketFD(pc)
	if err != nil {
		return err
	}
	fds = append(fds, fd)
	lc := net.ListenConfig{Control: targets.ReusePort}
	for len(fds) < s.loops {
		more, err := lc.ListenPacket(ctx, "udp", pc.LocalAddr().String())
		if err != nil {
			closeFDs()
			return fmt.Errorf("reactors: a socket per loop (SO_REUSEPORT): %w", err)
		}
		fd, err := poller.PacketSocketFD(more)
		more.Close() // the loop's duplicate keeps the socket
		if err != nil {
			closeFDs()
			return err
		}
		fds = append(fds, fd)
	}
	loops := make([]*eventloop.DatagramLoop, len(fds))
	for i, fd := range fds {
		l, err := eventloop.NewDatagramLoop(s.app, fd, s.batch) // takes fd over
		if err != nil {
			for _, fd := range fds[i+1:] {
				unix.Close(fd)
			}
			for _, l := range loops[:i] {
				l.Close()
			}
			return err
		}
		l.OnRequest(s.onRequest)
		loops[i] = l
	}
	g, gctx := errgroup.WithContext(ctx)
	for _, l := range loops {
		g.Go(func() error { return l.Run(gctx) })
	}
	return g.Wait()
}
