//go:build !linux

package thread

import (
	"context"
	"net"

	"github.com/corobench/corobench/targets"
)

// Serve implements targets.Server; blocking sockets are Linux only.
func (s *ChatServer) Serve(ctx context.Context, ln net.Listener) error {
	return targets.ErrUnsupported
}
