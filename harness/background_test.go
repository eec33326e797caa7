package harness

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// serveTouches answers the first request on each connection it accepts
// when answer, else reads and stays silent; it holds every connection until
// the test ends.
func serveTouches(t *testing.T, answer bool) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
			wg.Go(func() {
				buf := make([]byte, 512)
				if _, err := c.Read(buf); err == nil && answer {
					c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n"))
				}
				c.Read(buf) // until the harness closes it
			})
		}
	})
	return ln.Addr().String()
}

func TestHoldBackground(t *testing.T) {
	t.Parallel()
	l := Load{OpenRate: 2000, Timeout: Duration(300 * time.Millisecond)}
	tests := []struct {
		name     string
		addr     func(t *testing.T) string
		conns    int
		answered int
		warnings int
	}{
		{"answered", func(t *testing.T) string { return serveTouches(t, true) }, 30, 30, 0},
		{"silent", func(t *testing.T) string { return serveTouches(t, false) }, 30, 0, 1},
		{"refused", func(t *testing.T) string {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			ln.Close()
			return ln.Addr().String()
		}, 0, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			bg, warnings, release := holdBackground(context.Background(), tt.addr(t), 30, l)
			defer release()
			assert.Equal(t, 30, bg.Asked)
			assert.Equal(t, tt.conns, bg.Conns)
			assert.Equal(t, tt.answered, bg.Answered)
			assert.Len(t, warnings, tt.warnings, "%v", warnings)
			assert.Less(t, time.Since(start), 5*time.Second, "bounded by the timeout")
		})
	}
}
