//go:build !unix

package targets

import "net"

// idleReader returns nil: the idle wait needs a Unix socket.
func idleReader(c net.Conn) IdleReader { return nil }
