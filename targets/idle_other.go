//go:build !unix

package targets

import "net"

// idleWaiting returns c unchanged: the idle wait needs a Unix socket.
func idleWaiting(c net.Conn) net.Conn { return c }
