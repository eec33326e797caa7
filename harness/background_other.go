//go:build !linux

package harness

import (
	"context"
	"time"
)

// holdConns opens the background's idle connections as net.Conns and
// touches them (on Linux they are raw sockets, which cost the load
// generator nothing).
func holdConns(ctx context.Context, addr string, n int, rate float64, timeout time.Duration) (open, answered int, release func(), err error) {
	conns, err := openConns(ctx, addr, n, rate)
	release = func() {
		for _, c := range conns {
			c.Close()
		}
	}
	return len(conns), touch(ctx, conns, timeout), release, err
}
