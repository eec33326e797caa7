//go:build !linux

package process

import (
	"context"
	"net"
	"net/netip"
	"os"
	"time"

	"github.com/corobench/corobench/targets"
)

// ServeDatagrams returns targets.ErrUnsupported: children are started on
// Linux only.
func (s *DatagramServer) ServeDatagrams(ctx context.Context, pc net.PacketConn) error {
	return targets.ErrUnsupported
}

func sleep(d time.Duration) { time.Sleep(d) }

func sendTo(sock *os.File, b []byte, addr netip.AddrPort) error { return targets.ErrUnsupported }
