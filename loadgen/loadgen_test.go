package loadgen_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/loadgen"
	"github.com/corobench/corobench/results"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/goroutine"
)

// engines are the closed loop's engines; EngineAuto is uring (or epoll) on
// Linux.
var engines = append([]loadgen.Engine{loadgen.EngineGoroutines, loadgen.EngineAuto}, platformEngines...)

func engineName(e loadgen.Engine) string {
	if e == loadgen.EngineAuto {
		return "auto"
	}
	return string(e)
}

func serveGoroutine(t *testing.T) string {
	return conformancetest.Serve(t, goroutine.New(targets.Config{App: conformancetest.App("goroutine")}))
}

func TestRunCountsAnswers(t *testing.T) {
	t.Parallel()
	addr := serveGoroutine(t)
	load, err := loadgen.Run(context.Background(), addr,
		loadgen.WithConns(4), loadgen.WithDuration(300*time.Millisecond), loadgen.WithWarmup(100*time.Millisecond),
		loadgen.WithRequests(
			loadgen.Request{Method: "GET", Path: "/cpu?us=50", Weight: 1},
			loadgen.Request{Method: "POST", Path: "/echo", Body: []byte("abc"), Weight: 1},
		))
	require.NoError(t, err)
	assert.Positive(t, load.Requests+load.Unfinished)
	assert.Empty(t, load.Errors)
	assert.Equal(t, load.Requests, load.Latency.TotalCount(), "every answer is in the histogram")
	var perSecond int64
	for _, s := range load.Series {
		perSecond += s.Requests
	}
	assert.Equal(t, load.Requests, perSecond, "the series adds up to the total")
	assert.InDelta(t, 0.3, load.Elapsed, 0.05)
	assert.InDelta(t, 0.1, load.Interval, 1e-9, "a short run's series is in tenths of a second")
	assert.Len(t, load.Series, 3)
}

func TestSeriesInterval(t *testing.T) {
	t.Parallel()
	tests := []struct {
		duration, want time.Duration
	}{
		{300 * time.Millisecond, 100 * time.Millisecond},
		{1500 * time.Millisecond, 100 * time.Millisecond},
		{4 * time.Second, 200 * time.Millisecond},
		{5 * time.Second, 250 * time.Millisecond},
		{10 * time.Second, 500 * time.Millisecond},
		{time.Minute, time.Second},
		{time.Hour, time.Second},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, loadgen.SeriesInterval(tt.duration), "%s", tt.duration)
	}
}

func TestRunCountsErrorsByKind(t *testing.T) {
	t.Parallel()
	addr := serveGoroutine(t)
	tests := []struct {
		name string
		addr string
		path string
		kind string
	}{
		{name: "bad status", addr: addr, path: "/nope", kind: "status 404"},
		{name: "refused", addr: closedPort(t), path: "/health", kind: loadgen.ErrRefused},
	}
	for _, tt := range tests {
		for _, engine := range engines {
			t.Run(tt.name+"/"+engineName(engine), func(t *testing.T) {
				t.Parallel()
				load := measured(t, func() (*results.Load, error) {
					return loadgen.Run(context.Background(), tt.addr, loadgen.WithEngine(engine),
						loadgen.WithConns(2), loadgen.WithDuration(200*time.Millisecond),
						loadgen.WithRequests(loadgen.Request{Method: "GET", Path: tt.path}))
				})
				assert.Zero(t, load.Requests)
				assert.Positive(t, load.Errors[tt.kind], "errors: %v", load.Errors)
			})
		}
	}
}

// A target that does not do the work it claims is caught by the checksum:
// one that says it is corobench's, or any when verification is asked for;
// another server's /cpu is its own business unless asked.
func TestRunCatchesWrongChecksum(t *testing.T) {
	t.Parallel()
	const body = "\r\nContent-Length: 29\r\n\r\nunits=1000 checksum=00000000\n"
	corobench := fakeServer(t, "HTTP/1.1 200 OK\r\nServer: corobench"+body)
	other := fakeServer(t, "HTTP/1.1 200 OK\r\nServer: other"+body)
	tests := []struct {
		name   string
		addr   string
		verify loadgen.Verify
		caught bool
	}{
		{"corobench's, auto", corobench, loadgen.VerifyAuto, true},
		{"another's, auto", other, loadgen.VerifyAuto, false},
		{"another's, always", other, loadgen.VerifyAlways, true},
		{"corobench's, never", corobench, loadgen.VerifyNever, false},
	}
	for _, tt := range tests {
		for _, engine := range engines {
			t.Run(tt.name+"/"+engineName(engine), func(t *testing.T) {
				t.Parallel()
				load := measured(t, func() (*results.Load, error) {
					return loadgen.Run(context.Background(), tt.addr, loadgen.WithEngine(engine),
						loadgen.WithConns(1), loadgen.WithDuration(300*time.Millisecond), loadgen.WithVerify(tt.verify),
						loadgen.WithThinkTime(time.Millisecond), // light on a shared CPU
						loadgen.WithRequests(loadgen.Request{Method: "GET", Path: "/cpu?n=1000"}))
				})
				if tt.caught {
					assert.Positive(t, load.Errors[loadgen.ErrChecksum], "errors: %v", load.Errors)
					assert.Zero(t, load.Requests)
				} else {
					assert.Empty(t, load.Errors)
					assert.Positive(t, load.Requests)
				}
			})
		}
	}
}

// A target that never answers cannot stretch the run beyond its bound.
func TestRunEndsOnTimeWhenTargetHangs(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() }) // accept, never answer
		}
	}()
	for _, engine := range engines {
		t.Run(engineName(engine), func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			load, err := loadgen.Run(context.Background(), ln.Addr().String(), loadgen.WithEngine(engine),
				loadgen.WithConns(3), loadgen.WithWarmup(200*time.Millisecond), loadgen.WithDuration(300*time.Millisecond),
				loadgen.WithTimeout(10*time.Minute))
			require.NoError(t, err)
			assert.Less(t, time.Since(start), time.Minute, "the run is bounded by its duration, not the timeout")
			assert.Zero(t, load.Requests)
			assert.Equal(t, int64(3), load.Unfinished, "each connection's request is reported unanswered")
			assert.Greater(t, load.UnfinishedOldest, 0.1, "sent early, never answered")
			assert.LessOrEqual(t, load.UnfinishedOldest, 0.5)
			assert.Contains(t, strings.Join(load.Warnings, "\n"), "unfinished: 3 requests")
		})
	}
}

func TestRunRejectsBadOptions(t *testing.T) {
	t.Parallel()
	_, err := loadgen.Run(context.Background(), "127.0.0.1:1", loadgen.WithConns(0))
	assert.ErrorContains(t, err, "connections")
	_, err = loadgen.Run(context.Background(), "no-port")
	assert.ErrorContains(t, err, "address")
}

func TestParseRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want loadgen.Request
		err  bool
	}{
		{in: "/health", want: loadgen.Request{Method: "GET", Path: "/health", Weight: 1}},
		{in: "post /echo", want: loadgen.Request{Method: "POST", Path: "/echo", Weight: 1}},
		{in: "3 GET /io?ms=1", want: loadgen.Request{Method: "GET", Path: "/io?ms=1", Weight: 3}},
		{in: "0 /health", err: true},
		{in: "GET health", err: true},
		{in: "", err: true},
	}
	for _, tt := range tests {
		got, err := loadgen.ParseRequest(tt.in)
		if tt.err {
			assert.Error(t, err, "%q", tt.in)
			continue
		}
		require.NoError(t, err, "%q", tt.in)
		assert.Equal(t, tt.want, got)
	}
}

// A Host field sets the request's Host; the others are sent in order.
func TestRequestAddHeader(t *testing.T) {
	t.Parallel()
	var r loadgen.Request
	for _, h := range []loadgen.Header{{Name: "X-A", Value: "1"}, {Name: "host", Value: "example.com"}, {Name: "X-B", Value: "2"}} {
		r.AddHeader(h)
	}
	assert.Equal(t, loadgen.Request{Host: "example.com", Header: []loadgen.Header{{Name: "X-A", Value: "1"}, {Name: "X-B", Value: "2"}}}, r)
}

// untilAnswered runs a load until it has n answers to show, rather than
// for a set time a busy machine may spend before it sends anything: the
// run, bounded by a minute, ends at the first progress report (each a
// second apart) by which n answers have come.
func untilAnswered(t *testing.T, addr string, n int64, opts ...loadgen.Option) *results.Load {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var answered int64
	opts = append(opts, loadgen.WithWarmup(0), loadgen.WithDuration(time.Minute), loadgen.WithProgress(func(p loadgen.Progress) {
		if answered += p.Requests; answered >= n {
			cancel()
		}
	}))
	load, err := loadgen.Run(ctx, addr, opts...)
	require.NoError(t, err)
	return load
}

// measured runs a short run until it measured something (an answer or a
// failure), at most five times: on a machine starved by other tests, a
// short run can begin after its window ended, which says nothing of the
// behaviour under test.
func measured(t *testing.T, run func() (*results.Load, error)) *results.Load {
	t.Helper()
	for range 4 {
		load, err := run()
		require.NoError(t, err)
		if load.Requests+load.ErrorCount() > 0 {
			return load
		}
		t.Logf("the run measured nothing (unfinished %d); again", load.Unfinished)
	}
	load, err := run()
	require.NoError(t, err)
	return load
}

// closedPort is an address where nothing listens: port 1 (tcpmux), which
// no test machine serves, rather than a freed port that a parallel test
// may take again.
func closedPort(t *testing.T) string {
	c, err := net.Dial("tcp", "127.0.0.1:1")
	if err == nil {
		c.Close()
		t.Skip("something listens on 127.0.0.1:1")
	}
	return "127.0.0.1:1"
}

// fakeServer answers every request on every connection with answer.
func fakeServer(t *testing.T, answer string) string {
	return serveConns(t, func(c net.Conn) {
		buf := make([]byte, 4096)
		for {
			if _, err := c.Read(buf); err != nil {
				return
			}
			if _, err := c.Write([]byte(answer)); err != nil {
				return
			}
			if strings.Contains(answer, "Connection: close") {
				// Close first, as a server that says so does: its end of
				// the connection then waits in TIME_WAIT, and the client
				// cannot reuse the port while the old connection still
				// answers.
				return
			}
		}
	})
}

// serveConns listens on 127.0.0.1 and serves each connection with serve,
// which the connection's close follows, until the test ends.
func serveConns(t *testing.T, serve func(net.Conn)) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				serve(c)
			}()
		}
	}()
	return ln.Addr().String()
}
