//go:build !linux

package threadpool

import (
	"context"
	"net"

	"github.com/corobench/corobench/targets"
)

// Serve returns targets.ErrUnsupported: blocking sockets are Linux only.
func (s *ChatServer) Serve(ctx context.Context, ln net.Listener) error {
	ln.Close()
	close(s.ready)
	return targets.ErrUnsupported
}
