package conformance

import (
	"context"
	"net"
	"sync"
	"time"
)

// Slowloris opens n connections to addr and sends a request on each one
// byte per interval, never finishing it, until ctx ends; then it closes
// them all and returns. It reports how many connections it opened.
func Slowloris(ctx context.Context, addr string, n int, interval time.Duration) int {
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
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Go(func() {
			defer c.Close()
			t := time.NewTicker(interval)
			defer t.Stop()
			for i := 0; ; i = (i + 1) % len(request) {
				c.SetWriteDeadline(time.Now().Add(interval))
				if _, err := c.Write([]byte{request[i]}); err != nil && !isTimeout(err) {
					return
				}
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
			}
		})
	}
	wg.Wait()
	return len(conns)
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}
