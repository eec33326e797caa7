package eventloop

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
)

// Pipelined streamed downloads, each followed by /health, in one write: all are
// answered in order, and a finished download ends its connection's turn
// rather than serve the rest from inside the download. So every /health is
// answered from the same depth of stack, however many downloads came
// before it; nested, the stack (and the requests answered in one turn)
// would grow with the pipeline.
func TestPipelinedDownloadsTakeTurns(t *testing.T) {
	const pairs = 20
	for _, c := range calls {
		t.Run(c.model, func(t *testing.T) {
			app, _ := conformancetest.FilesApp(t, c.model)
			srv := newServer(targets.Config{App: app}, c.call)
			var mu sync.Mutex
			var depths []int
			watching := false
			pcs := make([]uintptr, 1024)
			srv.onRequest = func(req *protocol.Request) {
				if req.Endpoint == protocol.EndpointHealth {
					mu.Lock()
					if watching {
						depths = append(depths, runtime.Callers(0, pcs))
					}
					mu.Unlock()
				}
			}
			conn := conformancetest.Dial(t, conformancetest.Serve(t, srv))
			r := bufio.NewReader(conn)
			answer := func(want int) string {
				t.Helper()
				resp, err := http.ReadResponse(r, nil)
				require.NoError(t, err)
				body, err := io.ReadAll(resp.Body)
				require.NoError(t, err)
				require.Equal(t, want, resp.StatusCode, string(body))
				return string(body)
			}
			content := strings.Repeat("x", targets.SmallFile+1) // streamed, not answered whole
			_, err := fmt.Fprintf(conn, "PUT /files/large HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n\r\n%s", len(content), content)
			require.NoError(t, err)
			answer(200)
			mu.Lock()
			watching = true
			mu.Unlock()

			pipeline := strings.Repeat("GET /files/large HTTP/1.1\r\nHost: t\r\n\r\nGET /health HTTP/1.1\r\nHost: t\r\n\r\n", pairs)
			_, err = io.WriteString(conn, pipeline)
			require.NoError(t, err)
			for i := range pairs {
				assert.True(t, answer(200) == content, "download %d", i)
				assert.Equal(t, c.model+"\n", answer(200), "health %d", i)
			}
			mu.Lock()
			defer mu.Unlock()
			require.Len(t, depths, pairs)
			for i, d := range depths {
				assert.Equal(t, depths[0], d, "stack depth of /health %d", i)
			}
		})
	}
}
