//go:build !linux

package coro

import (
	"context"
	"net"

	"github.com/corobench/corobench/targets"
)

// Serve implements targets.Server; it needs epoll, so here it fails.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	return targets.ErrUnsupported
}
