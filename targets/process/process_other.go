//go:build !linux

package process

import (
	"context"
	"net"

	"github.com/corobench/corobench/targets"
)

// Serve returns targets.ErrUnsupported: handing sockets to children and
// tying their lives to the parent's are Linux only here.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	ln.Close()
	return targets.ErrUnsupported
}
