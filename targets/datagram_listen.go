package targets

import (
	"context"
	"net"
)

// PortSharer is a DatagramServer that opens more sockets on the port of
// the one it is given (one per event loop, say), which the kernel lets it
// do only when every socket of the port, the first included, says so
// (SO_REUSEPORT).
type PortSharer interface {
	SharesPort()
}

// ListenDatagrams opens the UDP socket srv will serve on addr: one whose
// port srv may share, when srv is a PortSharer.
func ListenDatagrams(addr string, srv DatagramServer) (net.PacketConn, error) {
	var lc net.ListenConfig
	if _, ok := srv.(PortSharer); ok {
		lc.Control = ReusePort
	}
	return lc.ListenPacket(context.Background(), "udp", addr)
}
