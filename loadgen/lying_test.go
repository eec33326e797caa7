package loadgen_test

import (
	"context"
	"fmt"
	"math"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/corobench/corobench/loadgen"
	"github.com/corobench/corobench/results"
	"github.com/corobench/corobench/work"
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

// A proof of CPU work that claims other work than was asked is wrong
// before the client recomputes any of it: a server cannot make the client
// spin on its claim (units=2^64-1 would take centuries), and a proof of
// less work than ?n= asked is no proof.
func TestLyingProofs(t *testing.T) {
	t.Parallel()
	proof := func(units uint64) string {
		body := fmt.Sprintf("units=%d checksum=%08x\n", units, work.Spin(min(units, 1000)))
		return fmt.Sprintf("HTTP/1.1 200 OK\r\nServer: corobench\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
	}
	tests := []struct {
		name, path string
		answer     string
		kind       string // "" : the answer is right
	}{
		{name: "endless work claimed for n", path: "/cpu?n=1000", answer: proof(math.MaxUint64), kind: loadgen.ErrChecksum},
		{name: "endless work claimed for us", path: "/cpu?us=10", answer: proof(math.MaxUint64), kind: loadgen.ErrChecksum},
		{name: "other work than n, proved", path: "/cpu?n=999", answer: proof(1000), kind: loadgen.ErrChecksum},
		{name: "more than us allows", path: "/cpu?us=0", answer: proof(1000), kind: loadgen.ErrChecksum},
		{name: "the work n asked", path: "/cpu?n=1000", answer: proof(1000)},
		{name: "work us allows", path: "/mix?us=1&ms=0", answer: proof(1000)},
	}
	for _, tt := range tests {
		addr := fakeServer(t, tt.answer)
		for _, engine := range engines {
			t.Run(tt.name+"/"+engineName(engine), func(t *testing.T) {
				t.Parallel()
				load := measured(t, func() (*results.Load, error) {
					return loadgen.Run(context.Background(), addr, loadgen.WithEngine(engine),
						loadgen.WithConns(1), loadgen.WithDuration(300*time.Millisecond),
						loadgen.WithThinkTime(5*time.Millisecond), // light on a shared CPU
						loadgen.WithRequests(loadgen.Request{Method: "GET", Path: tt.path}))
				})
				if tt.kind == "" {
					assert.Empty(t, load.Errors)
					assert.Positive(t, load.Requests)
					return
				}
				assert.Zero(t, load.Requests)
				assert.Positive(t, load.Errors[tt.kind], "errors: %v", load.Errors)
				assert.Len(t, load.Errors, 1, "errors: %v", load.Errors)
			})
		}
	}
}
