//go:build !linux

package prefork

import (
	"context"
	"net"

	"github.com/corobench/corobench/targets"
)

// Serve returns targets.ErrUnsupported: sharing the listener with children
// and tying their lives to the parent's are Linux only here.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	ln.Close()
	close(s.ready)
	return targets.ErrUnsupported
}
