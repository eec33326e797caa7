//go:build !linux

package reactors

import (
	"context"
	"net"

	"github.com/corobench/corobench/targets"
)

// Serve implements targets.Server; it needs epoll, so here it fails.
func (s *ChatServer) Serve(ctx context.Context, ln net.Listener) error {
	return targets.ErrUnsupported
}

// ServeDatagrams implements targets.DatagramServer; it needs epoll, so here
// it fails.
func (s *ChatDatagramServer) ServeDatagrams(ctx context.Context, pc net.PacketConn) error {
	return targets.ErrUnsupported
}
