package eventloop

import (
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
)

// When every descriptor below FD_SETSIZE is taken, select refuses a new
// connection (a 503, counted in /stats) and goes on serving those it has;
// poll serves it. Not parallel: it takes this process's low descriptors.
func TestSelectRefusesPastFDSetSize(t *testing.T) {
	for _, c := range []struct {
		model   string
		call    readiness
		refuses bool
	}{{"select", selectCall, true}, {"poll", pollCall, false}} {
		t.Run(c.model, func(t *testing.T) {
			addr := conformancetest.Serve(t, newServer(targets.Config{App: conformancetest.App(c.model)}, c.call))
			early := conformancetest.Dial(t, addr)

			release := takeLowDescriptors(t)
			late, err := net.DialTimeout("tcp", addr, conformancetest.Timeout)
			require.NoError(t, err)
			defer late.Close()
			late.SetDeadline(time.Now().Add(conformancetest.Timeout))
			io.WriteString(late, "GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
			answer, err := io.ReadAll(late) // a 503 then the close, or a reset
			t.Logf("past FD_SETSIZE: %q, %v", answer, err)
			if c.refuses {
				assert.NotContains(t, string(answer), "200 OK", "served a descriptor past FD_SETSIZE")
				if len(answer) > 0 {
					assert.True(t, strings.HasPrefix(string(answer), "HTTP/1.1 503 "), "answer: %q", answer)
					assert.Contains(t, string(answer), "select cannot watch a descriptor past FD_SETSIZE (1024): fd ")
				}
			} else {
				assert.True(t, strings.HasPrefix(string(answer), "HTTP/1.1 200 "), "answer: %q", answer)
			}
			release()

			early.SetDeadline(time.Now().Add(conformancetest.Timeout))
			io.WriteString(early, "GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
			buf := make([]byte, 512)
			n, _ := early.Read(buf)
			assert.True(t, strings.HasPrefix(string(buf[:n]), "HTTP/1.1 200 "), "a connection below FD_SETSIZE is still served: %q", buf[:n])
			want := "refused 0"
			if c.refuses {
				want = "refused 1"
			}
			assert.Contains(t, stats(t, addr), want)
		})
	}
}

// takeLowDescriptors takes every free descriptor below FD_SETSIZE, so that
// the next sockets this process opens are numbered past it; release gives
// them back.
func takeLowDescriptors(t *testing.T) (release func()) {
	t.Helper()
	var taken []int
	var once sync.Once
	release = func() {
		once.Do(func() {
			for _, fd := range taken {
				unix.Close(fd)
			}
		})
	}
	t.Cleanup(release)
	for {
		fd, err := unix.Dup(0)
		if err != nil {
			release()
			t.Skipf("cannot take descriptors up to FD_SETSIZE: %v", err)
		}
		if fd >= unix.FD_SETSIZE {
			unix.Close(fd)
			return release
		}
		taken = append(taken, fd)
	}
}

// stats is the target's /stats body.
func stats(t *testing.T, addr string) string {
	t.Helper()
	c := conformancetest.Dial(t, addr)
	c.SetDeadline(time.Now().Add(conformancetest.Timeout))
	io.WriteString(c, "GET /stats HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
	b, err := io.ReadAll(c)
	require.NoError(t, err)
	return string(b)
}
