package loadgen_test

import (
	"cmp"
	"context"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/loadgen"
	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/results"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/loop"
)

// datagramEngines are the engines of a datagram run, tested one by one.
var datagramEngines = []loadgen.Engine{loadgen.EngineEpoll, loadgen.EngineGoroutines}

// serveLoopDatagrams runs the loop model's datagram server for the test.
func serveLoopDatagrams(t *testing.T) string {
	return conformancetest.ServeDatagrams(t, loop.NewDatagram(targets.Config{App: conformancetest.App("loop")}))
}

// runUDP is a short datagram run against addr.
func runUDP(t *testing.T, addr string, opts ...loadgen.Option) *results.Load {
	t.Helper()
	opts = append([]loadgen.Option{loadgen.WithNet(loadgen.NetUDP), loadgen.WithConns(4),
		loadgen.WithDuration(300 * time.Millisecond), loadgen.WithTimeout(time.Second)}, opts...)
	load, err := loadgen.Run(context.Background(), addr, opts...)
	require.NoError(t, err)
	require.NotNil(t, load.Datagram, "a datagram run says so")
	return load
}

// A closed loop over datagrams counts what the target answered, on each
// engine, with every client served and the target's count in agreement.
func TestDatagramClosedLoop(t *testing.T) {
	t.Parallel()
	for _, engine := range datagramEngines {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			addr := serveLoopDatagrams(t)
			load := runUDP(t, addr, loadgen.WithEngine(engine), loadgen.WithWarmup(100*time.Millisecond),
				loadgen.WithRequests(
					loadgen.Request{Method: "GET", Path: "/cpu?us=20", Weight: 1},
					loadgen.Request{Method: "POST", Path: "/echo", Body: []byte("abc"), Weight: 1},
					loadgen.Request{Method: "GET", Path: "/echo?size=2000", Weight: 1},
				))
			assert.Positive(t, load.Requests)
			assert.Empty(t, load.Errors)
			assert.Equal(t, load.Requests, load.Latency.TotalCount())
			d := load.Datagram
			assert.Equal(t, 4, d.Served, "every client got answers")
			assert.Equal(t, 1, d.Window)
			assert.GreaterOrEqual(t, d.Sent+4, load.Requests, "answered, but for those sent in the warm-up")
			assert.Empty(t, d.Strays)
			assert.Zero(t, d.TargetDrops)
			assert.Contains(t, []string{"epoll", "goroutines"}, load.Engine)
			got := targetRequests(t, addr)
			assert.GreaterOrEqual(t, got, load.Requests, "the target answered what the client counted")
		})
	}
}

// A window keeps that many requests in flight per client: a target that
// answers only once it holds four requests, and then all four, is answered
// all along by a client of window 4, and never holds more.
func TestDatagramWindow(t *testing.T) {
	t.Parallel()
	var held []uint64
	var most atomic.Int64
	addr := liar(t, func(_ []byte, id uint64, _ int) [][]byte {
		held = append(held, id)
		most.Store(max(most.Load(), int64(len(held))))
		if len(held) < 4 {
			return nil
		}
		var out [][]byte
		for _, id := range held {
			out = append(out, ok(id))
		}
		held = held[:0]
		return out
	})
	load := runUDP(t, addr, loadgen.WithConns(1), loadgen.WithWindow(4))
	assert.Equal(t, 4, load.Datagram.Window)
	assert.Positive(t, load.Requests)
	assert.Empty(t, load.Errors)
	assert.Equal(t, int64(4), most.Load(), "requests in flight at once")
}

// An open loop sends on schedule and times from when each was due.
func TestDatagramOpenLoop(t *testing.T) {
	t.Parallel()
	addr := serveLoopDatagrams(t)
	load := runUDP(t, addr, loadgen.WithRate(loadgen.ConstantRate(400)), loadgen.WithDuration(500*time.Millisecond))
	assert.Equal(t, results.ModeOpen, load.Mode)
	assert.Equal(t, 400.0, load.Rate)
	assert.Positive(t, load.Requests)
	assert.NotNil(t, load.LatencyUncorrected)
	assert.LessOrEqual(t, load.Requests+load.Dropped+load.Unfinished+load.ErrorCount(), int64(201), "no more than the schedule")
}

// An open loop above what the loop server can do: requests are lost or
// dropped, not sent late, and the latency says how long they were due.
func TestDatagramOpenLoopOverload(t *testing.T) {
	t.Parallel()
	addr := serveLoopDatagrams(t)
	load := runUDP(t, addr, loadgen.WithRate(loadgen.ConstantRate(200)), loadgen.WithDuration(500*time.Millisecond),
		loadgen.WithMaxConns(8), loadgen.WithTimeout(200*time.Millisecond),
		loadgen.WithRequests(loadgen.Request{Method: "GET", Path: "/io?ms=20", Weight: 1}))
	// At most 50 a second answered; the rest lost, dropped or unfinished.
	assert.Positive(t, load.Errors[loadgen.ErrLost]+load.Dropped)
}

// A batch fires its requests at once and times the last answer: ten waits
// of 30 ms on the loop server take ten times one.
func TestDatagramBatch(t *testing.T) {
	t.Parallel()
	addr := serveLoopDatagrams(t)
	load := runUDP(t, addr, loadgen.WithBatch(10), loadgen.WithDuration(5*time.Second),
		loadgen.WithRequests(loadgen.Request{Method: "GET", Path: "/io?ms=30", Weight: 1}))
	assert.Equal(t, int64(10), load.Requests)
	assert.GreaterOrEqual(t, load.Makespan, 0.3)
}

// Bad settings are refused before anything is sent.
func TestDatagramSettingsRefused(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string][]loadgen.Option{
		"pipeline":         {loadgen.WithPipeline(2)},
		"conn per request": {loadgen.WithConnPerRequest()},
		"window too large": {loadgen.WithWindow(loadgen.MaxWindow + 1)},
		"method":           {loadgen.WithRequests(loadgen.Request{Method: "PUT", Path: "/echo", Weight: 1})},
		"post not echo":    {loadgen.WithRequests(loadgen.Request{Method: "POST", Path: "/cpu?us=1", Body: []byte("x"), Weight: 1})},
		"too large":        {loadgen.WithRequests(loadgen.Request{Method: "POST", Path: "/echo", Body: make([]byte, protocol.MaxDatagramRequest), Weight: 1})},
		"goroutine window": {loadgen.WithEngine(loadgen.EngineGoroutines), loadgen.WithWindow(2)},
		"goroutine open":   {loadgen.WithEngine(loadgen.EngineGoroutines), loadgen.WithRate(loadgen.ConstantRate(10))},
		"uring":            {loadgen.WithEngine(loadgen.EngineURing)},
		"negative sockets": {loadgen.WithSockets(-1)},
	} {
		opts = append([]loadgen.Option{loadgen.WithNet(loadgen.NetUDP), loadgen.WithDuration(time.Second)}, opts...)
		_, err := loadgen.Run(context.Background(), "127.0.0.1:9", opts...)
		assert.Error(t, err, name)
	}
}

// Clients sharing sockets are still told apart by their ids.
func TestDatagramSharedSockets(t *testing.T) {
	t.Parallel()
	addr := serveLoopDatagrams(t)
	load := runUDP(t, addr, loadgen.WithConns(8), loadgen.WithSockets(2), loadgen.WithWindow(2))
	assert.Equal(t, 2, load.Datagram.Sockets)
	assert.Equal(t, 8, load.Datagram.Served)
	assert.Empty(t, load.Errors)
	assert.Empty(t, load.Datagram.Strays)
}

// targetRequests asks a datagram target how many requests it answered.
func targetRequests(t *testing.T, addr string) int64 {
	a := conformancetest.AskDatagram(t, addr, "/stats", time.Second)
	var n, dropped int64
	_, err := fmt.Sscanf(string(a.Body), "requests %d\ndropped %d\n", &n, &dropped)
	require.NoError(t, err)
	return n
}

// liar is a datagram server that answers each request as answer says.
func liar(t *testing.T, answer func(req []byte, id uint64, n int) [][]byte) string {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	require.NoError(t, err)
	var wg sync.WaitGroup
	t.Cleanup(func() { pc.Close(); wg.Wait() })
	wg.Go(func() {
		buf := make([]byte, 70000)
		for n := 0; ; n++ {
			m, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			var d protocol.Datagram
			protocol.ParseDatagram(buf[:m], &d)
			for _, out := range answer(buf[:m], d.ID, n) {
				pc.WriteTo(out, from)
			}
		}
	})
	return pc.LocalAddr().String()
}

func ok(id uint64) []byte { return append(protocol.AppendDatagramHead(nil, id, 200), "liar\n"...) }

// The load generator survives a target that answers garbage, answers
// twice, answers another id, answers late or never: each is counted by
// kind, and the run ends on time.
func TestDatagramHostileTargets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		answer   func(req []byte, id uint64, n int) [][]byte
		timeout  time.Duration // default: longer than the run
		duration time.Duration // default: runUDP's
		check    func(t *testing.T, l *results.Load)
	}{
		{name: "garbage", answer: func(_ []byte, id uint64, _ int) [][]byte {
			return [][]byte{[]byte("\x00\xffgarbage"), []byte(strconv.FormatUint(id, 10) + " 2x0\n"), {}}
		}, timeout: 50 * time.Millisecond, check: func(t *testing.T, l *results.Load) {
			assert.Positive(t, l.Datagram.Strays[loadgen.StrayMalformed])
			assert.Zero(t, l.Requests)
			assert.Positive(t, l.Errors[loadgen.ErrLost]+l.Unfinished)
		}},
		{name: "twice", answer: func(_ []byte, id uint64, _ int) [][]byte {
			return [][]byte{ok(id), ok(id)}
		}, check: func(t *testing.T, l *results.Load) {
			assert.Positive(t, l.Requests)
			assert.Positive(t, l.Datagram.Strays[loadgen.StrayDuplicate])
			assert.Empty(t, l.Errors)
		}},
		{name: "another id", answer: func(_ []byte, id uint64, _ int) [][]byte {
			return [][]byte{ok(id ^ 1<<40), ok(id + 1<<63), ok(id)}
		}, check: func(t *testing.T, l *results.Load) {
			assert.Positive(t, l.Requests)
			assert.Positive(t, l.Datagram.Strays[loadgen.StrayForeign])
		}},
		{name: "never", answer: func([]byte, uint64, int) [][]byte { return nil }, timeout: 50 * time.Millisecond,
			check: func(t *testing.T, l *results.Load) {
				assert.Zero(t, l.Requests)
				assert.Positive(t, l.Errors[loadgen.ErrLost]+l.Unfinished)
				assert.Zero(t, l.Datagram.Served)
			}},
		{name: "late", answer: func(_ []byte, id uint64, _ int) [][]byte {
			time.Sleep(200 * time.Millisecond) // long past the 20 ms timeout
			return [][]byte{ok(id)}
		}, timeout: 20 * time.Millisecond, duration: time.Second, check: func(t *testing.T, l *results.Load) {
			assert.Positive(t, l.Errors[loadgen.ErrLost])
			assert.Positive(t, l.Datagram.Strays[loadgen.StrayLate])
		}},
		{name: "error status", answer: func(_ []byte, id uint64, _ int) [][]byte {
			return [][]byte{protocol.AppendDatagramError(nil, id, &protocol.Error{Status: 503, Reason: "busy"})}
		}, check: func(t *testing.T, l *results.Load) {
			assert.Zero(t, l.Requests)
			assert.Positive(t, l.Errors["status 503"])
		}},
		{name: "wrong proof", answer: func(_ []byte, id uint64, _ int) [][]byte {
			return [][]byte{append(protocol.AppendDatagramHead(nil, id, 200), "units=5 checksum=00000000\n"...)}
		}, check: func(t *testing.T, l *results.Load) {
			assert.Positive(t, l.Errors[loadgen.ErrChecksum])
		}},
	}
	for _, tt := range tests {
		for _, engine := range datagramEngines {
			t.Run(tt.name+"/"+string(engine), func(t *testing.T) {
				t.Parallel()
				addr := liar(t, tt.answer)
				path := "/health"
				if tt.name == "wrong proof" {
					path = "/cpu?n=5"
				}
				var took time.Duration
				// Again if a busy machine began the short run after its
				// window: it then measured nothing to check.
				load := measured(t, func() (*results.Load, error) {
					start := time.Now()
					l := runUDP(t, addr, loadgen.WithEngine(engine), loadgen.WithConns(2), loadgen.WithTimeout(cmp.Or(tt.timeout, 5*time.Second)),
						loadgen.WithRequests(loadgen.Request{Method: "GET", Path: path, Weight: 1}),
						loadgen.WithDuration(cmp.Or(tt.duration, 300*time.Millisecond)))
					took = time.Since(start)
					return l, nil
				})
				assert.Less(t, took, 5*time.Second, "the run ends")
				tt.check(t, load)
			})
		}
	}
}

// Nothing listens: every request is refused (the kernel says so) or lost.
func TestDatagramNothingListens(t *testing.T) {
	t.Parallel()
	// An address of its own, so that no other test's socket takes the port.
	pc, err := net.ListenPacket("udp", "127.0.0.3:0")
	require.NoError(t, err)
	addr := pc.LocalAddr().String()
	pc.Close()
	for _, engine := range datagramEngines {
		load := runUDP(t, addr, loadgen.WithEngine(engine), loadgen.WithTimeout(100*time.Millisecond))
		assert.Zero(t, load.Requests)
		assert.Positive(t, load.Errors[loadgen.ErrRefused]+load.Errors[loadgen.ErrLost], "%s: %v", engine, load.Errors)
	}
}
