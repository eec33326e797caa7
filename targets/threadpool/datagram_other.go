//go:build !linux

package threadpool

import (
	"context"
	"net"

	"github.com/corobench/corobench/targets"
)

// ServeDatagrams returns targets.ErrUnsupported: a thread's blocking sleep
// is Linux only.
func (s *DatagramServer) ServeDatagrams(ctx context.Context, pc net.PacketConn) error {
	return targets.ErrUnsupported
}
