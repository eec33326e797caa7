package loadgen_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/corobench/corobench/loadgen"
	"github.com/corobench/corobench/results"
)

// lyingServer answers every connection's first request with head, then
// writes more forever (until the client gives up on the connection).
func lyingServer(t *testing.T, head, more string) string {
	return serveConns(t, func(c net.Conn) {
		buf := make([]byte, 4096)
		if _, err := c.Read(buf); err != nil {
			return
		}
		if _, err := c.Write([]byte(head)); err != nil || more == "" {
			return
		}
		chunk := []byte(strings.Repeat(more, max(1, 64<<10/len(more))))
		c.SetWriteDeadline(time.Now().Add(30 * time.Second)) // a bound, should the client hang
		for {
			if _, err := c.Write(chunk); err != nil {
				return
			}
		}
	})
}

// A server that lies about its answer ends in the error kind of the bound
// it passed, on every engine, and the run ends on time.
func TestLyingServers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		head, more string
		kind       string
	}{
		{name: "chunk size that overflows", head: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000000000000\r\n", kind: loadgen.ErrBodyTooLarge},
		{name: "content-length beyond the bound", head: "HTTP/1.1 200 OK\r\nContent-Length: 1048577\r\n\r\n", more: "x", kind: loadgen.ErrBodyTooLarge},
		{name: "endless headers", head: "HTTP/1.1 200 OK\r\n", more: "X-Endless: yes\r\n", kind: loadgen.ErrHeadTooLarge},
		{name: "chunked body that never ends", head: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", more: "10\r\n0123456789abcdef\r\n", kind: loadgen.ErrBodyTooLarge},
		{name: "body until a close that never comes", head: "HTTP/1.1 200 OK\r\n\r\n", more: "forever", kind: loadgen.ErrBodyTooLarge},
		{name: "endless chunk extension", head: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;", more: "e", kind: loadgen.ErrChunkLine},
		{name: "endless trailers", head: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n", more: "T: x\r\n", kind: loadgen.ErrTrailers},
		{name: "endless interim answers", head: "", more: "HTTP/1.1 103 Early Hints\r\n\r\n", kind: loadgen.ErrInterim},
		{name: "garbage", head: "SSH-2.0-OpenSSH_9.2\r\n\r\n", kind: loadgen.ErrMalformed},
		{name: "cut short", head: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", kind: loadgen.ErrClosed},
	}
	for _, tt := range tests {
		addr := lyingServer(t, tt.head, tt.more)
		for _, engine := range engines {
			t.Run(tt.name+"/"+engineName(engine), func(t *testing.T) {
				t.Parallel()
				start := time.Now()
				load := measured(t, func() (*results.Load, error) {
					return loadgen.Run(context.Background(), addr, loadgen.WithEngine(engine),
						loadgen.WithConns(1), loadgen.WithDuration(300*time.Millisecond), loadgen.WithMaxBody(1<<20),
						loadgen.WithThinkTime(5*time.Millisecond)) // light on a shared CPU
				})
				assert.Less(t, time.Since(start), 20*time.Second)
				assert.Zero(t, load.Requests)
				assert.Positive(t, load.Errors[tt.kind], "errors: %v", load.Errors)
				assert.Len(t, load.Errors, 1, "errors: %v", load.Errors)
			})
		}
	}
}
