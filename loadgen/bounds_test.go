package loadgen

import (
	"net"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/protocol"
)

// A server that sends without end cannot grow a connection's buffer past
// its bound: a head is held only up to protocol.MaxResponseHead, and a body
// streams through the buffer it found.
func TestConnBufferBounded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, head, more string
		err              error
		maxCap           int
	}{
		{"endless head", "HTTP/1.1 200 OK\r\n", "X-Endless: yes\r\n", protocol.ErrHeadTooLarge, maxBuffer},
		{"endless chunked body", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "10\r\n0123456789abcdef\r\n", protocol.ErrBodyTooLarge, initialBuffer},
		{"endless body until close", "HTTP/1.1 200 OK\r\n\r\n", "x", protocol.ErrBodyTooLarge, initialBuffer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			client, server := net.Pipe()
			defer client.Close()
			go func() {
				defer server.Close()
				if _, err := server.Write([]byte(tt.head)); err != nil {
					return
				}
				more := []byte(strings.Repeat(tt.more, 4096/len(tt.more)))
				for {
					if _, err := server.Write(more); err != nil {
						return
					}
				}
			}()
			c := conn{nc: client}
			c.in.reset()
			c.p.MaxBody = 8 << 20
			_, err := c.read(&encoded{})
			require.ErrorIs(t, err, tt.err)
			assert.LessOrEqual(t, cap(c.in.buf), tt.maxCap)
		})
	}
}
