//go:build !linux

package coro

import (
	"context"
	"net"

	"github.com/corobench/corobench/targets"
)

// ServeDatagrams returns targets.ErrUnsupported: the loop is Linux only.
func (s *ChatDatagramServer) ServeDatagrams(ctx context.Context, pc net.PacketConn) error {
	return targets.ErrUnsupported
}
