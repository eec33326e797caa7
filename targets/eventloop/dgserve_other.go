//go:build !linux

package eventloop

import (
	"context"
	"net"

	"github.com/corobench/corobench/targets"
)

// ServeDatagrams returns targets.ErrUnsupported: the loop is Linux only.
func (s *DatagramServer) ServeDatagrams(ctx context.Context, pc net.PacketConn) error {
	return targets.ErrUnsupported
}
