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

// ServeDatagrams implements targets.DatagramServer: a DatagramLoop per
// socket (serveSockets).
func (s *DatagramServer) ServeDatagrams(ctx context.Context, pc net.PacketConn) error {
	return serveSockets(ctx, pc, s.loops, func(fd int) (*eventloop.DatagramLoop, error) {
		l, err := eventloop.NewDatagramLoop(s.app, fd, s.batch)
		if err == nil {
			l.OnRequest(s.onRequest)
		}
		return l, err
	})
}

// socketLoop is an event loop over a socket of its own: Run serves until
// its context ends, Close releases a loop that will not run.
type socketLoop interface {
	Run(ctx context.Context) error
	Close() error
}

// serveSockets serves pc's port with n loops, each on its own OS thread
// over a socket of its own: the first over pc's socket, each other over a
// socket it binds to pc's address. pc must let its port be shared
// (targets.ListenDatagrams does, for a PortSharer). open makes a loop over
// a socket's descriptor, which it takes over, even when it fails. When one
// loop fails, the others stop too.
func serveSockets[L socketLoop](ctx context.Context, pc net.PacketConn, n int, open func(fd int) (L, error)) error {
	fds, err := socketPerLoop(ctx, pc, n)
	if err != nil {
		return err
	}
	loops := make([]L, len(fds))
	for i, fd := range fds {
		l, err := open(fd)
		if err != nil {
			for _, fd := range fds[i+1:] {
				unix.Close(fd)
			}
			for _, l := range loops[:i] {
				l.Close()
			}
			return err
		}
		loops[i] = l
	}
	g, gctx := errgroup.WithContext(ctx)
	for _, l := range loops {
		g.Go(func() error { return l.Run(gctx) })
	}
	return g.Wait()
}

// socketPerLoop returns n descriptors of UDP sockets on pc's address: a
// duplicate of pc's, and n-1 of sockets it binds there with SO_REUSEPORT.
func socketPerLoop(ctx context.Context, pc net.PacketConn, n int) ([]int, error) {
	fds := make([]int, 0, n)
	fail := func(err error) ([]int, error) {
		for _, fd := range fds {
			unix.Close(fd)
		}
		return nil, err
	}
	fd, err := poller.PacketSocketFD(pc)
	if err != nil {
		return nil, err
	}
	fds = append(fds, fd)
	lc := net.ListenConfig{Control: targets.ReusePort}
	for len(fds) < n {
		more, err := lc.ListenPacket(ctx, "udp", pc.LocalAddr().String())
		if err != nil {
			return fail(fmt.Errorf("reactors: a socket per loop (SO_REUSEPORT): %w", err))
		}
		fd, err := poller.PacketSocketFD(more)
		more.Close() // the loop's duplicate keeps the socket
		if err != nil {
			return fail(err)
		}
		fds = append(fds, fd)
	}
	return fds, nil
}
