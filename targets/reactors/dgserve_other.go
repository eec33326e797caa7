//go:build !linux

package reactors

import (
	"context"
	"net"

	"github.com/corobench/corobench/targets"
)

// ServeDatagrams returns targets.ErrUnsupported: the loops are Linux only.
func (s *DatagramServer) ServeDatagrams(ctx context.Context, pc net.PacketConn) error {
	return targets.ErrUnsupported
}
