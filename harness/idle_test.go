package harness

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Touching idle connections ends whatever the target does: when no touch
// gets a 200 (a target that answers 503, or never answers), by the answers
// or failures of every connection, or by the timeout.
func TestTouchEndsWithoutA200(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		serve func(net.Conn)
	}{
		{"answers 503", func(c net.Conn) {
			buf := make([]byte, 512)
			c.Read(buf)
			c.Write([]byte("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"))
			c.Read(buf) // until the client closes
		}},
		{"never answers", func(c net.Conn) {
			buf := make([]byte, 512)
			for {
				if _, err := c.Read(buf); err != nil {
					return
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			t.Cleanup(func() { ln.Close() })
			go func() {
				for {
					c, err := ln.Accept()
					if err != nil {
						return
					}
					go func() {
						defer c.Close()
						tt.serve(c)
					}()
				}
			}()
			conns, err := openConns(context.Background(), ln.Addr().String(), 5, 1000)
			require.NoError(t, err)
			t.Cleanup(func() {
				for _, c := range conns {
					c.Close()
				}
			})
			got := make(chan int, 1)
			go func() { got <- touch(context.Background(), conns, 500*time.Millisecond) }()
			select {
			case n := <-got:
				assert.Zero(t, n, "no 200")
			case <-time.After(time.Minute):
				t.Fatal("touch did not end")
			}
		})
	}
}
