package loadgen_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/corobench/corobench/loadgen"
	"github.com/corobench/corobench/results"
)

// bigBody is the length of /big's answer: larger than any buffer of the
// client, so it must stream.
const bigBody = 3 << 20

// netHTTPServer is a Go net/http server answering as servers do: chunked
// (a handler that flushes), 204, a large body, Connection: close; it
// counts the requests it answered.
func netHTTPServer(t *testing.T, tls bool) (*httptest.Server, *atomic.Int64) {
	var answered atomic.Int64 // requests the handlers began
	chunk := []byte(strings.Repeat("c", 1000))
	big := []byte(strings.Repeat("b", bigBody))
	mux := http.NewServeMux()
	counted := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			answered.Add(1) // before the answer, which the client may have before the handler returns
			h(w, r)
		}
	}
	mux.HandleFunc("/chunked", counted(func(w http.ResponseWriter, r *http.Request) {
		for range 3 {
			w.Write(chunk)
			w.(http.Flusher).Flush()
		}
	}))
	mux.HandleFunc("/bigchunked", counted(func(w http.ResponseWriter, r *http.Request) {
		w.Write(big[:bigBody/2])
		w.(http.Flusher).Flush()
		w.Write(big[bigBody/2:])
	}))
	mux.HandleFunc("/empty", counted(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	mux.HandleFunc("/big", counted(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(bigBody))
		if r.Method != http.MethodHead {
			w.Write(big)
		}
	}))
	mux.HandleFunc("/close", counted(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		w.Write([]byte("bye"))
	}))
	srv := httptest.NewUnstartedServer(mux)
	if tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv, &answered
}

// Against Go's net/http server, on every engine: every kind of answer is
// counted as answered, and the client's count agrees with the server's.
func TestNetHTTPServer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method, path string
		minBytes     int64 // of an answer on the wire
		reconnects   bool
	}{
		{method: "GET", path: "/chunked", minBytes: 3000},
		{method: "GET", path: "/empty"},
		{method: "GET", path: "/big", minBytes: bigBody},
		{method: "GET", path: "/bigchunked", minBytes: bigBody},
		{method: "HEAD", path: "/big"},
		{method: "GET", path: "/close", reconnects: true},
	}
	for _, tt := range tests {
		for _, engine := range engines {
			t.Run(tt.method+tt.path+"/"+engineName(engine), func(t *testing.T) {
				t.Parallel()
				var answered *atomic.Int64
				load := measured(t, func() (*results.Load, error) {
					var srv *httptest.Server
					srv, answered = netHTTPServer(t, false)
					return loadgen.Run(context.Background(), srv.Listener.Addr().String(), loadgen.WithEngine(engine),
						loadgen.WithConns(2), loadgen.WithDuration(300*time.Millisecond), loadgen.WithThinkTime(2*time.Millisecond), // light on a shared CPU
						loadgen.WithRequests(loadgen.Request{Method: tt.method, Path: tt.path}))
				})
				assert.Empty(t, load.Errors)
				assert.Positive(t, load.Requests)
				assert.GreaterOrEqual(t, load.Bytes, load.Requests*tt.minBytes, "every body is counted")
				got := answered.Load()
				assert.GreaterOrEqual(t, got, load.Requests)
				assert.LessOrEqual(t, got, load.Requests+load.Unfinished)
				if tt.reconnects {
					assert.Positive(t, load.Reconnects, "the server closed every connection")
				} else {
					assert.Zero(t, load.Reconnects)
				}
			})
		}
	}
}

// TLS to a net/http server with a certificate made for the test: kept-alive
// and a connection per request (whose handshakes resume a session), closed
// and open loop; the event loops refuse it.
func TestTLS(t *testing.T) {
	t.Parallel()
	srv, _ := netHTTPServer(t, true)
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	addr := srv.Listener.Addr().String()
	tests := []struct {
		name string
		opts []loadgen.Option
	}{
		{"closed", nil},
		{"closed, a connection per request", []loadgen.Option{loadgen.WithConnPerRequest(), loadgen.WithThinkTime(2 * time.Millisecond)}},
		{"open", []loadgen.Option{loadgen.WithRate(loadgen.ConstantRate(100)), loadgen.WithMaxConns(4)}},
		{"chunked", []loadgen.Option{loadgen.WithRequests(loadgen.Request{Method: "GET", Path: "/bigchunked"})}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := append([]loadgen.Option{loadgen.WithTLS(&tls.Config{RootCAs: roots, ServerName: "example.com"}),
				loadgen.WithConns(2), loadgen.WithDuration(time.Second), // handshakes are slow under the race detector
				loadgen.WithRequests(loadgen.Request{Method: "GET", Path: "/chunked"})}, tt.opts...)
			var load *results.Load
			if tt.name == "closed, a connection per request" {
				// A session resumes once a connection has finished a
				// request and so read its ticket: the first of each of
				// the 2 connections cannot. 8 answers, however long they
				// take, leave 6 that could not miss one.
				load = untilAnswered(t, addr, 8, opts...)
			} else {
				load = measured(t, func() (*results.Load, error) { return loadgen.Run(context.Background(), addr, opts...) })
			}
			assert.Empty(t, load.Errors)
			assert.Positive(t, load.Requests)
			assert.Equal(t, "goroutines", load.Engine)
			if tt.name == "closed, a connection per request" {
				assert.Positive(t, load.TLSResumed, "new connections resume the session: %d handshakes, %d requests", load.TLSHandshakes, load.Requests)
				assert.GreaterOrEqual(t, load.TLSHandshakes, load.Requests)
			}
		})
	}
	t.Run("unknown authority", func(t *testing.T) {
		t.Parallel()
		load := measured(t, func() (*results.Load, error) {
			return loadgen.Run(context.Background(), addr, loadgen.WithTLS(&tls.Config{}),
				loadgen.WithConns(1), loadgen.WithDuration(200*time.Millisecond))
		})
		assert.Positive(t, load.Errors[loadgen.ErrTLS], "errors: %v", load.Errors)
	})
	t.Run("event loops refuse", func(t *testing.T) {
		t.Parallel()
		_, err := loadgen.Run(context.Background(), addr, loadgen.WithTLS(&tls.Config{}), loadgen.WithEngine(loadgen.EngineEpoll))
		assert.ErrorContains(t, err, "does not speak TLS")
	})
}
