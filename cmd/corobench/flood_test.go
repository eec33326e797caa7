package main

import (
	"context"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/harness"
	"github.com/corobench/corobench/internal/proctest"
	"github.com/corobench/corobench/loadgen"
)

// The models that multiplex connections hold 10,000 busy connections at once
// without a single error.
func TestTenThousandConnections(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("opens 10,000 connections: run without -short and -race (.ci/run does)")
	}
	var lim unix.Rlimit
	require.NoError(t, unix.Getrlimit(unix.RLIMIT_NOFILE, &lim))
	if lim.Max < 12_000 {
		t.Skipf("the file descriptor limit (%d) is too low for 10,000 connections", lim.Max)
	}
	for _, name := range []string{"goroutine", "poll", "eventloop", "eventloop-et", "reactors", "coro"} {
		t.Run(name, func(t *testing.T) { // one at a time: each holds 20,000 descriptors
			tgt := startModel(t, name)
			load, err := loadgen.Run(context.Background(), tgt.Ready.Addr,
				loadgen.WithConns(10_000), loadgen.WithWarmup(3*time.Second), loadgen.WithDuration(2*time.Second),
				loadgen.WithTimeout(30*time.Second),
				loadgen.WithRequests(loadgen.Request{Method: "GET", Path: "/io?ms=100", Weight: 1}))
			require.NoError(t, err)
			assert.Empty(t, load.Errors, "errors with 10,000 connections")
			assert.Positive(t, load.Requests)
			t.Logf("%s: %d requests in %.1fs over 10,000 connections, p99 %s", name, load.Requests, load.Elapsed, load.Latency.Quantile(0.99))
		})
	}
}

// Under a flood of connections the thread and process models keep their
// caps: the excess waits in the listen backlog, and no thread or process
// is made beyond the cap. What is counted is what the cap bounds: the
// threads blocked reading a client's socket (not the Go runtime's own,
// whose number follows GOMAXPROCS and the garbage collector: with the
// thread model's cap + cores Ps, a collection may start a mark worker
// thread on each idle P), and the child processes.
func TestCapsHoldUnderFlood(t *testing.T) {
	tests := []struct {
		model string
		cap   int
		count func(pid int) (int, error)
	}{
		{model: "thread", cap: 50, count: proctest.SocketReaders},
		{model: "process", cap: 10, count: func(pid int) (int, error) { k, err := proctest.Children(pid); return len(k), err }},
	}
	for _, tt := range tests {
		t.Run(tt.model, func(t *testing.T) {
			t.Parallel()
			tgt, err := harness.Start(context.Background(), []string{binary, "serve", "-model", tt.model,
				"-cpu-rate", "500", "-max-conns", itoa(tt.cap)}, 10*time.Second)
			require.NoError(t, err)
			t.Cleanup(func() { tgt.Kill() })
			var conns []net.Conn
			defer func() {
				for _, c := range conns {
					c.Close()
				}
			}()
			most := 0
			count := func() int {
				n, err := tt.count(tgt.Ready.PID)
				require.NoError(t, err)
				most = max(most, n)
				return n
			}
			for range 3 * tt.cap {
				c, err := net.DialTimeout("tcp", tgt.Ready.Addr, 5*time.Second)
				require.NoError(t, err)
				conns = append(conns, c)
				count()
			}
			// The cap is reached, however slowly the machine makes threads
			// or processes; then the count is watched a while longer for
			// any beyond it. No connection closes, so none is mid-exit.
			for deadline := time.Now().Add(time.Minute); count() < tt.cap && time.Now().Before(deadline); {
				time.Sleep(20 * time.Millisecond)
			}
			require.GreaterOrEqual(t, most, tt.cap, "the cap is reached: one per connection")
			for range 50 {
				count()
				time.Sleep(20 * time.Millisecond)
			}
			threads, _ := proctest.Threads(tgt.Ready.PID)
			assert.LessOrEqual(t, most, tt.cap, "%s under %d connections with a cap of %d", tt.model, 3*tt.cap, tt.cap)
			t.Logf("%s: at most %d under %d connections, cap %d; %d threads in all", tt.model, most, 3*tt.cap, tt.cap, threads)
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// A stream of short connections to the process model leaves no child and no
// zombie behind: every child is reaped.
func TestProcessReapsEveryChild(t *testing.T) {
	t.Parallel()
	tgt := startModel(t, "process")
	load, err := loadgen.Run(context.Background(), tgt.Ready.Addr,
		loadgen.WithConns(8), loadgen.WithConnPerRequest(), loadgen.WithDuration(3*time.Second),
		loadgen.WithRequests(loadgen.Request{Method: "GET", Path: "/health", Weight: 1}))
	require.NoError(t, err)
	require.Positive(t, load.Requests)
	c := countProc(tgt.Ready.PID)
	for deadline := time.Now().Add(5 * time.Second); c.children > 0 && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		c = countProc(tgt.Ready.PID)
	}
	assert.Zero(t, c.children, "children left after %d connections", load.Requests)
	assert.Zero(t, c.zombies, "zombies left after %d connections", load.Requests)
	t.Logf("process: %d connections, %d children and %d zombies left", load.Requests, c.children, c.zombies)
}
