package loadgen_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
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

// bodyFileOf writes a body file of size bytes of a deterministic pattern
// and returns its path and bytes.
func bodyFileOf(t *testing.T, size int) (string, []byte) {
	t.Helper()
	b := make([]byte, size)
	files.NewPattern(files.SeedOf("upload")).ReadAt(b, 0)
	path := filepath.Join(t.TempDir(), "body")
	require.NoError(t, os.WriteFile(path, b, 0o644))
	return path, b
}

// Uploads whose body streams from a file reach a corobench target whole,
// on every engine, alone and pipelined with other requests, and the
// digest each answer states is the one of the bytes sent: no errors, and
// the stored file is the body file.
func TestStreamedUploads(t *testing.T) {
	t.Parallel()
	path, body := bodyFileOf(t, 3<<20+12345) // many chunks, the last one short
	for _, engine := range engines {
		for _, depth := range []int{1, 3} {
			t.Run(fmt.Sprintf("%s/pipeline-%d", engineName(engine), depth), func(t *testing.T) {
				t.Parallel()
				app, root := conformancetest.FilesApp(t, "goroutine")
				addr := conformancetest.Serve(t, goroutine.New(targets.Config{App: app}))
				load := measured(t, func() (*results.Load, error) {
					return loadgen.Run(context.Background(), addr, loadgen.WithEngine(engine),
						loadgen.WithConns(1), loadgen.WithDuration(300*time.Millisecond), loadgen.WithPipeline(depth),
						loadgen.WithRequests(
							loadgen.Request{Method: "PUT", Path: "/files/up", BodyFile: path, Weight: 2},
							loadgen.Request{Method: "GET", Path: "/health", Weight: 1}))
				})
				assert.Empty(t, load.Errors)
				assert.Positive(t, load.Requests)
				got, err := os.ReadFile(filepath.Join(root, "up"))
				require.NoError(t, err)
				assert.True(t, string(got) == string(body), "the stored file is not the body file (%d bytes of %d)", len(got), len(body))
			})
		}
	}
}

// uploadServer reads each request's head and its body (Content-Length),
// hashes the body, and answers with answer(its digest); heads is told
// each request's arrival, if it has room.
func uploadServer(t *testing.T, answer func(digest string) string, heads chan<- int) string {
	return serveConns(t, func(c net.Conn) {
		r := bufio.NewReader(c)
		for n := 0; ; n++ {
			req, err := http.ReadRequest(r)
			if err != nil {
				return
			}
			select {
			case heads <- n:
			default:
			}
			h := sha256.New()
			if _, err := io.Copy(h, req.Body); err != nil {
				return
			}
			if _, err := io.WriteString(c, answer(files.Digest(h.Sum(nil)).String())); err != nil {
				return
			}
		}
	})
}

func answerWith(server, body string) string {
	return "HTTP/1.1 200 OK\r\nServer: " + server + "\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
}

// An answer to an upload that states another digest than the one of the
// bytes sent is an error of kind digest, on every engine, whether the body
// was in memory or streamed from a file; so is a corobench target's answer
// that states none. Another server's answer without a digest passes, and
// so does anything with verification off.
func TestUploadDigests(t *testing.T) {
	t.Parallel()
	path, body := bodyFileOf(t, 200000)
	wrong := files.Digest(sha256.Sum256([]byte("other"))).String()
	tests := []struct {
		name   string
		answer func(digest string) string
		verify loadgen.Verify
		kind   string // "": the answers are right
	}{
		{name: "right", answer: func(d string) string { return answerWith("corobench", d+"\n") }},
		{name: "wrong", answer: func(string) string { return answerWith("corobench", wrong+"\n") }, kind: loadgen.ErrDigest},
		{name: "wrong, another server", answer: func(string) string { return answerWith("other", wrong) }, kind: loadgen.ErrDigest},
		{name: "none, corobench", answer: func(string) string { return answerWith("corobench", "stored\n") }, kind: loadgen.ErrDigest},
		{name: "none, another server", answer: func(string) string { return answerWith("other", "") }},
		{name: "wrong, not verified", answer: func(string) string { return answerWith("corobench", wrong+"\n") }, verify: loadgen.VerifyNever},
	}
	for _, tt := range tests {
		addr := uploadServer(t, tt.answer, nil)
		for _, engine := range engines {
			for _, from := range []string{"memory", "file"} {
				t.Run(tt.name+"/"+engineName(engine)+"/"+from, func(t *testing.T) {
					t.Parallel()
					req := loadgen.Request{Method: "PUT", Path: "/files/x", Body: body}
					if from == "file" {
						req = loadgen.Request{Method: "PUT", Path: "/files/x", BodyFile: path}
					}
					load := measured(t, func() (*results.Load, error) {
						return loadgen.Run(context.Background(), addr, loadgen.WithEngine(engine),
							loadgen.WithConns(1), loadgen.WithDuration(300*time.Millisecond), loadgen.WithVerify(tt.verify),
							loadgen.WithRequests(req), loadgen.WithThinkTime(5*time.Millisecond))
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
}

// An upload far larger than the old in-memory bound (64 MiB) streams from
// its file with bounded memory, on every engine: the client allocates a
// small fraction of the body while sending it whole, and the answer's
// digest matches. The run ends when the server sees the second request,
// that is once the first was sent and answered: no clock decides.
func TestUploadLargerThanMemoryBound(t *testing.T) {
	const size = 160 << 20
	path := filepath.Join(t.TempDir(), "big")
	f, err := os.Create(path)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(size)) // sparse: no disk, and reads cost no IO
	require.NoError(t, f.Close())
	for _, engine := range engines {
		t.Run(engineName(engine), func(t *testing.T) {
			heads := make(chan int, 4)
			addr := uploadServer(t, func(d string) string { return answerWith("corobench", d+"\n") }, heads)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go func() {
				for n := range heads {
					if n == 1 {
						cancel()
						return
					}
				}
			}()
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			load, err := loadgen.Run(ctx, addr, loadgen.WithEngine(engine), loadgen.WithConns(1),
				loadgen.WithDuration(10*time.Minute), loadgen.WithTimeout(10*time.Minute),
				loadgen.WithRequests(loadgen.Request{Method: "PUT", Path: "/files/big", BodyFile: path}))
			runtime.ReadMemStats(&after)
			require.NoError(t, err)
			assert.Equal(t, int64(1), load.Requests)
			assert.Empty(t, load.Errors)
			allocated := after.TotalAlloc - before.TotalAlloc
			assert.Less(t, allocated, uint64(size/8), "allocated %d MiB sending %d MiB", allocated>>20, size>>20)
		})
	}
}

// A request cannot have both a body and a body file; a body file that is
// missing or not a regular file fails the run before it starts; a trace
// does not stream body files.
func TestBodyFileRefused(t *testing.T) {
	t.Parallel()
	addr := serveGoroutine(t)
	for _, tt := range []struct {
		name string
		opts []loadgen.Option
		want string
	}{
		{name: "both", opts: []loadgen.Option{loadgen.WithRequests(loadgen.Request{Method: "PUT", Path: "/files/x", Body: []byte("x"), BodyFile: "f"})}, want: "a body and a body file"},
		{name: "missing", opts: []loadgen.Option{loadgen.WithRequests(loadgen.Request{Method: "PUT", Path: "/files/x", BodyFile: filepath.Join(t.TempDir(), "none")})}, want: "no such file"},
		{name: "directory", opts: []loadgen.Option{loadgen.WithRequests(loadgen.Request{Method: "PUT", Path: "/files/x", BodyFile: t.TempDir()})}, want: "not a regular file"},
		{name: "trace", opts: []loadgen.Option{loadgen.WithTrace([]loadgen.TraceEntry{{Request: loadgen.Request{Method: "PUT", Path: "/files/x", BodyFile: "f"}}})}, want: "a trace replays its bodies inline"},
	} {
		_, err := loadgen.Run(context.Background(), addr, append(tt.opts, loadgen.WithDuration(time.Second))...)
		require.Error(t, err, tt.name)
		assert.True(t, strings.Contains(err.Error(), tt.want), "%s: %v", tt.name, err)
	}
}
