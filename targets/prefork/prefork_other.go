//go:build !linux

package prefork

import (
	"context"
	"net"

	"github.com/corobench/corobench/targets"
)

// Serve returns targets.ErrUnsupported: sharing the listener with children
// and tying their lives to the parent's are Linux only here.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	ln.Close()
	close(s.ready)
	return targets.ErrUnsupported
}

// ServeDatagrams returns targets.ErrUnsupported, as Serve.
func (s *Server) ServeDatagrams(ctx context.Context, pc net.PacketConn) error {
	close(s.ready)
	return targets.ErrUnsupported
}
