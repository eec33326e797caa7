package eventloop

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/files"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
)

// With file threads, a /disk job's, a download's and an upload's file IO
// runs on them: while the one thread is held inside such a job, as by a
// disk that does not answer, the loop goes on answering /health on another
// connection, and the held request has no answer yet; once the thread goes
// on, the request completes whole (the download with its digest). Inline,
// /health would wait for the job.
func TestFileIOOffloaded(t *testing.T) {
	content := strings.Repeat("0123456789abcdef", 256<<10/16) // 256 KiB: streamed
	digest := files.Digest(sha256.Sum256([]byte(content))).String()
	for _, tc := range []struct {
		name    string
		request string
		want    string // the body of the answer
		prefix  bool   // want is only the body's start
	}{
		{name: "disk", request: "GET /disk?kb=64&sync=1 HTTP/1.1\r\nHost: t\r\n\r\n", want: "kb=64 crc32c=", prefix: true},
		{name: "download", request: "GET /files/large HTTP/1.1\r\nHost: t\r\n\r\n", want: content},
		{name: "upload", request: fmt.Sprintf("PUT /files/other HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n\r\n%s", len(content), content),
			want: digest + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app, root := conformancetest.FilesApp(t, "eventloop")
			require.NoError(t, os.WriteFile(root+"/large", []byte(content), 0o644))
			srv := New(targets.Config{App: app, FileThreads: 1})
			var hold atomic.Bool
			held, release := make(chan struct{}), make(chan struct{})
			srv.onFileJob = func() {
				if hold.CompareAndSwap(true, false) {
					held <- struct{}{}
					<-release
				}
			}
			addr := conformancetest.Serve(t, srv)
			var once sync.Once
			free := func() { once.Do(func() { close(release) }) }
			t.Cleanup(free) // before the server stops: its thread must not stay held
			slow, other := conformancetest.Dial(t, addr), conformancetest.Dial(t, addr)

			hold.Store(true)
			go io.WriteString(slow, tc.request)
			select { // the request's first file job is on the thread, which waits
			case <-held:
			case <-time.After(conformancetest.Timeout):
				t.Fatal("no file job reached the file thread")
			}
			require.NoError(t, other.SetDeadline(time.Now().Add(conformancetest.Timeout)))
			assert.Equal(t, 200, conformancetest.RoundTrip(t, other, "/health"), "/health while the file thread is held")
			require.NoError(t, slow.SetReadDeadline(time.Now().Add(time.Millisecond))) // a past one would not look
			_, err := slow.Read(make([]byte, 1))
			assert.ErrorIs(t, err, os.ErrDeadlineExceeded, "answered while its file job was held")

			free()
			require.NoError(t, slow.SetReadDeadline(time.Now().Add(conformancetest.Timeout)))
			resp, err := http.ReadResponse(bufio.NewReader(slow), nil)
			require.NoError(t, err)
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, 200, resp.StatusCode)
			if tc.prefix {
				assert.True(t, strings.HasPrefix(string(body), tc.want), "the body of the answer: %q", body)
			} else {
				assert.True(t, string(body) == tc.want, "the body of the answer")
			}
			if tc.name == "download" {
				assert.Equal(t, digest, resp.Header.Get(files.DigestHeader))
			}
		})
	}
}
