package loadgen_test

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/loadgen"
	"github.com/corobench/corobench/results"
)

func TestRunClosedVariants(t *testing.T) {
	t.Parallel()
	addr := serveGoroutine(t)
	tests := []struct {
		name string
		opts []loadgen.Option
	}{
		{name: "pipeline", opts: []loadgen.Option{loadgen.WithPipeline(8)}},
		{name: "conn per request", opts: []loadgen.Option{loadgen.WithConnPerRequest()}},
		{name: "think time", opts: []loadgen.Option{loadgen.WithThinkTime(5 * time.Millisecond)}},
	}
	for _, tt := range tests {
		for _, engine := range engines {
			t.Run(tt.name+"/"+engineName(engine), func(t *testing.T) {
				t.Parallel()
				opts := append([]loadgen.Option{loadgen.WithConns(2), loadgen.WithEngine(engine),
					loadgen.WithRequests(loadgen.Request{Method: "GET", Path: "/cpu?us=10", Weight: 1})}, tt.opts...)
				load := untilAnswered(t, addr, 1, opts...)
				assert.Equal(t, results.ModeClosed, load.Mode)
				assert.Positive(t, load.Requests)
				assert.Empty(t, load.Errors)
				assert.Equal(t, load.Requests, load.Latency.TotalCount())
			})
		}
	}
}

func TestRunOpenLoop(t *testing.T) {
	t.Parallel()
	testOpenLoop(t)
}

func testOpenLoop(t *testing.T) {
	addr := serveGoroutine(t)
	load, err := loadgen.Run(context.Background(), addr,
		loadgen.WithRate(loadgen.ConstantRate(500)), loadgen.WithConns(2),
		loadgen.WithWarmup(100*time.Millisecond), loadgen.WithDuration(500*time.Millisecond),
		loadgen.WithRequests(loadgen.Request{Method: "GET", Path: "/io?ms=2", Weight: 1}))
	require.NoError(t, err)
	assert.Equal(t, results.ModeOpen, load.Mode)
	assert.InDelta(t, 500, load.Rate, 1e-9)
	// 250 are due in the window [100 ms, 600 ms), each answered, dropped,
	// failed or unfinished, however late the client runs.
	accounted := load.Requests + load.Dropped + load.ErrorCount()
	assert.InDelta(t, 250, accounted+load.Unfinished, 1, "requests %d dropped %d errors %v unfinished %d",
		load.Requests, load.Dropped, load.Errors, load.Unfinished)
	require.NotNil(t, load.LatencyUncorrected)
	assert.Equal(t, load.Requests, load.LatencyUncorrected.TotalCount())
	if load.Requests > 0 { // a starved test machine may answer none in time
		assert.GreaterOrEqual(t, load.Latency.Quantile(0.5), 2*time.Millisecond)
	}
	assert.GreaterOrEqual(t, load.Conns, 2, "the pool grows past its first connections for 2 ms waits")
}

// A pool too small for the rate drops what finds no free connection,
// rather than sending it late.
func TestRunOpenLoopDrops(t *testing.T) {
	t.Parallel()
	addr := serveGoroutine(t)
	load, err := loadgen.Run(context.Background(), addr,
		loadgen.WithRate(loadgen.ConstantRate(1000)), loadgen.WithConns(1), loadgen.WithMaxConns(1),
		loadgen.WithDuration(300*time.Millisecond),
		loadgen.WithRequests(loadgen.Request{Method: "GET", Path: "/io?ms=20", Weight: 1}))
	require.NoError(t, err)
	assert.Positive(t, load.Dropped)
	assert.LessOrEqual(t, load.Requests, int64(16), "one connection answers at most one request per 20 ms")
	assert.Contains(t, strings.Join(load.Warnings, "\n"), "dropped")
	assert.Equal(t, 1, load.Conns)
}

func TestRunReplaysTrace(t *testing.T) {
	t.Parallel()
	addr := serveGoroutine(t)
	entries, err := loadgen.ParseTrace(strings.NewReader("# offset method path\n0 GET /health\n50ms GET /cpu?us=10\n0.1 POST /echo\n"))
	require.NoError(t, err)
	var hlog bytes.Buffer
	start := time.Now()
	load, err := loadgen.Run(context.Background(), addr, loadgen.WithTrace(entries),
		loadgen.WithDuration(time.Minute), loadgen.WithHlog(&hlog))
	require.NoError(t, err)
	// A trace of 100 ms in a window of a minute: the bound only tells
	// "ends by itself" from "runs its whole window".
	assert.Less(t, time.Since(start), 30*time.Second, "a replay ends with its trace")
	assert.Equal(t, int64(3), load.Requests)
	assert.Empty(t, load.Errors)
	assert.Contains(t, hlog.String(), "#[StartTime:")
	assert.Contains(t, hlog.String(), "HISTFAAA")
}

func TestRunBatch(t *testing.T) {
	t.Parallel()
	addr := serveGoroutine(t)
	load, err := loadgen.Run(context.Background(), addr, loadgen.WithBatch(10), loadgen.WithDuration(time.Minute),
		loadgen.WithRequests(loadgen.Request{Method: "GET", Path: "/io?ms=300", Weight: 1}))
	require.NoError(t, err)
	assert.Equal(t, results.ModeBatch, load.Mode)
	assert.Equal(t, int64(10), load.Requests)
	assert.GreaterOrEqual(t, load.Makespan, 0.3)
	assert.Less(t, load.Makespan, 3.0, "the waits overlap: one after the other they take 3 s")
}

func TestParseTraceErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"1s GET", "x GET /a", "2s GET /a\n1s GET /b", "-1 GET /a", "1 GET nope"} {
		_, err := loadgen.ParseTrace(strings.NewReader(in))
		assert.ErrorContains(t, err, "trace line", "%q", in)
	}
}

func FuzzParseTrace(f *testing.F) {
	f.Add("0 GET /health\n1.5s POST /echo\n")
	f.Fuzz(func(t *testing.T, in string) {
		entries, err := loadgen.ParseTrace(strings.NewReader(in))
		if err != nil {
			return
		}
		for i := 1; i < len(entries); i++ {
			require.GreaterOrEqual(t, entries[i].At, entries[i-1].At)
		}
	})
}

func TestRunProgress(t *testing.T) {
	t.Parallel()
	addr := serveGoroutine(t)
	var calls int
	_, err := loadgen.Run(context.Background(), addr, loadgen.WithConns(1), loadgen.WithDuration(1200*time.Millisecond),
		loadgen.WithProgress(func(loadgen.Progress) { calls++ }))
	require.NoError(t, err)
	assert.Equal(t, 2, calls, "one a second, and the last part-second")
}

// A target that closes after each answer cuts a pipeline short: both
// engines count the rest of each round as closed, and reconnect.
func TestRunPipelineCutShort(t *testing.T) {
	t.Parallel()
	addr := fakeServer(t, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
	for _, engine := range engines {
		t.Run(engineName(engine), func(t *testing.T) {
			t.Parallel()
			load := measured(t, func() (*results.Load, error) {
				return loadgen.Run(context.Background(), addr, loadgen.WithEngine(engine),
					loadgen.WithConns(2), loadgen.WithPipeline(4), loadgen.WithDuration(200*time.Millisecond))
			})
			assert.Positive(t, load.Requests)
			assert.Equal(t, map[string]int64{loadgen.ErrClosed: 3 * load.Requests}, load.Errors)
		})
	}
}

// A request unanswered for longer than the timeout is a timeout error,
// and the connection is dialled again.
func TestRunTimesOut(t *testing.T) {
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
			load, err := loadgen.Run(context.Background(), ln.Addr().String(), loadgen.WithEngine(engine),
				loadgen.WithConns(2), loadgen.WithTimeout(20*time.Millisecond), loadgen.WithDuration(300*time.Millisecond))
			require.NoError(t, err)
			assert.Zero(t, load.Requests)
			assert.Positive(t, load.Errors[loadgen.ErrTimeout], "errors: %v", load.Errors)
			assert.Len(t, load.Errors, 1, "errors: %v", load.Errors)
		})
	}
}
