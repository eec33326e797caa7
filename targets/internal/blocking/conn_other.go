//go:build !linux

package blocking

import (
	"context"
	"net"
	"os"

	"github.com/corobench/corobench/targets"
)

// Conn is a connected TCP socket in blocking mode; Linux only.
type Conn struct{}

// FromNet returns targets.ErrUnsupported: blocking sockets are Linux only.
func FromNet(c net.Conn) (*Conn, error) {
	c.Close()
	return nil, targets.ErrUnsupported
}

// FromFile returns targets.ErrUnsupported: blocking sockets are Linux only.
func FromFile(f *os.File) (*Conn, error) {
	f.Close()
	return nil, targets.ErrUnsupported
}

// Serve returns targets.ErrUnsupported.
func Serve(ctx, late context.Context, app *targets.App, c *Conn) error { return targets.ErrUnsupported }
