//go:build !linux

package thread

import (
	"context"
	"net"

	"github.com/corobench/corobench/targets"
)

// Serve returns targets.ErrUnsupported: blocking sockets are Linux only.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	ln.Close()
	return targets.ErrUnsupported
}
