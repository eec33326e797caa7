//go:build !linux

package threadpool

import (
	"context"
	"net"

	"github.com/corobench/corobench/targets"
)

// ServeDatagrams implements targets.DatagramServer; blocking sockets are
// Linux only.
func (s *ChatDatagramServer) ServeDatagrams(ctx context.Context, pc net.PacketConn) error {
	return targets.ErrUnsupported
}
