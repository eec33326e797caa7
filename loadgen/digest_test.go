package loadgen_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/files"
	"github.com/corobench/corobench/loadgen"
	"github.com/corobench/corobench/results"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/goroutine"
)

// Downloads from a target serving a root (serve -root) are verified
// against their Repr-Digest on every engine, large ones streamed: nothing
// is wrong, every body byte is counted.
func TestDigestsOfServedFiles(t *testing.T) {
	t.Parallel()
	store, err := files.Open(t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	require.NoError(t, store.WriteCorpus([]files.Set{{Prefix: "page", Count: 2, Size: 4 << 10}, {Prefix: "big", Count: 1, Size: 3 << 20}}))
	app := conformancetest.App("goroutine")
	app.Files = store
	addr := conformancetest.Serve(t, goroutine.New(targets.Config{App: app}))
	for _, engine := range engines {
		t.Run(engineName(engine), func(t *testing.T) {
			t.Parallel()
			load := measured(t, func() (*results.Load, error) {
				return loadgen.Run(context.Background(), addr, loadgen.WithEngine(engine),
					loadgen.WithConns(2), loadgen.WithDuration(300*time.Millisecond),
					loadgen.WithRequests(
						loadgen.Request{Method: "GET", Path: "/files/page-0", Weight: 1},
						loadgen.Request{Method: "GET", Path: "/files/page-1", Weight: 1},
						loadgen.Request{Method: "GET", Path: "/files/big-0", Weight: 1},
						loadgen.Request{Method: "GET", Path: "/files/", Weight: 1}))
			})
			assert.Empty(t, load.Errors)
			assert.Positive(t, load.Requests)
		})
	}
}

// reprDigest is the Repr-Digest value of body.
func reprDigest(body string) string {
	sum := sha256.Sum256([]byte(body))
	return "sha-256=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":"
}

// closingServer answers each connection's first request with answer and
// closes it.
func closingServer(t *testing.T, answer string) string {
	return serveConns(t, func(c net.Conn) {
		buf := make([]byte, 4096)
		if _, err := c.Read(buf); err == nil {
			c.Write([]byte(answer))
		}
	})
}

// A body that is not the one its answer's Repr-Digest announces is an
// error of its own kind, on every engine, however it is framed: a wrong
// digest, a body cut short under a Content-Length that says so, a body
// delimited by a close that came early. With verification off, it passes.
func TestLyingDigests(t *testing.T) {
	t.Parallel()
	body := strings.Repeat("corobench", 20000) // 180,000 bytes: many reads
	head := func(digest string, n int) string {
		return "HTTP/1.1 200 OK\r\nContent-Length: " + strconv.Itoa(n) + "\r\nRepr-Digest: " + digest + "\r\n\r\n"
	}
	tests := []struct {
		name    string
		answer  string
		closing bool // the server closes after one answer
		verify  loadgen.Verify
		kind    string // "": the answer is right
	}{
		{name: "right", answer: head(reprDigest(body), len(body)) + body},
		{name: "right, until close", answer: "HTTP/1.1 200 OK\r\nRepr-Digest: " + reprDigest(body) + "\r\n\r\n" + body, closing: true},
		{name: "wrong digest", answer: head(reprDigest(body+"x"), len(body)) + body, kind: loadgen.ErrDigest},
		{name: "not a sha-256", answer: head("sha-256=:AAAA:", len(body)) + body, kind: loadgen.ErrDigest},
		{name: "truncated, length says so", answer: head(reprDigest(body), 1000) + body[:1000], kind: loadgen.ErrDigest},
		{name: "truncated, until close", answer: "HTTP/1.1 200 OK\r\nRepr-Digest: " + reprDigest(body) + "\r\n\r\n" + body[:5000], closing: true, kind: loadgen.ErrDigest},
		{name: "truncated before its length", answer: head(reprDigest(body), len(body)) + body[:1000], closing: true, kind: loadgen.ErrClosed},
		{name: "wrong digest, not verified", answer: head(reprDigest(body+"x"), len(body)) + body, verify: loadgen.VerifyNever},
	}
	for _, tt := range tests {
		addr := ""
		if tt.closing {
			addr = closingServer(t, tt.answer)
		} else {
			addr = fakeServer(t, tt.answer)
		}
		for _, engine := range engines {
			t.Run(tt.name+"/"+engineName(engine), func(t *testing.T) {
				t.Parallel()
				load := measured(t, func() (*results.Load, error) {
					return loadgen.Run(context.Background(), addr, loadgen.WithEngine(engine),
						loadgen.WithConns(1), loadgen.WithDuration(300*time.Millisecond), loadgen.WithVerify(tt.verify),
						loadgen.WithThinkTime(5*time.Millisecond)) // light on a shared CPU
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
