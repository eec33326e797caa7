package conformancetest

import (
	"context"
	"net"
	"time"
)

// Slowloris opens n connections to addr and sends a request on each one
// byte per interval, never finishing it, until ctx ends; then it closes
// them all and returns. It reports how many connections it opened. Once
// each has its first byte, it calls opened (if not nil) with their count
// and the time just before the first byte was sent: no request of theirs
// began earlier.
func Slowloris(ctx context.Context, addr string, n int, interval time.Duration, opened func(n int, begun time.Time)) int {
	const request = "GET /health HTTP/1.1\r\nHost: slowloris\r\nX-Slow: " +
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	var conns []net.Conn
	d := net.Dialer{Timeout: time.Second}
	for range n {
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			break
		}
		conns = append(conns, c)
	}
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	begun := time.Now()
	// One goroutine trickles a byte to every connection in turn, so that a
	// thousand slow clients cost the test a thousand sockets, not a
	// thousand goroutines.
	t := time.NewTicker(interval)
	defer t.Stop()
	for i := 0; ; i = (i + 1) % len(request) {
		for _, c := range conns {
			c.SetWriteDeadline(time.Now().Add(interval))
			c.Write([]byte{request[i]}) // a target that gave up on it is fine
		}
		if opened != nil {
			opened(len(conns), begun)
			opened = nil
		}
		select {
		case <-ctx.Done():
			return len(conns)
		case <-t.C:
		}
	}
}
