package conformancetest

import (
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Bounds the backpressure suite holds a target to.
const (
	// HostileConns is how many hostile connections attack at once, and
	// StuckConns how many never read when SIGTERM comes: each asks for
	// 10 MiB, more than the kernel's socket buffers take (a few MiB), so
	// the server's writes are stuck.
	HostileConns = 10
	StuckConns   = 20
	// MaxCostPerConn bounds what a hostile connection may add to the
	// target's memory (PSS of its whole process tree): one answer of
	// protocol.MaxBodyBytes past targets.OutputWindow, its buffers, and
	// what a connection costs in its model anyway (a process, a thread).
	MaxCostPerConn = 8 << 20
	// OthersWait bounds how long a well-behaved client may wait for a
	// /health answer while the attack goes on: far less than the backlog
	// the attack leaves (20 s of CPU work, gigabytes of answers), so a
	// server that serves the attacker first fails, and loose enough that a
	// loaded machine does not (on an idle one the answers take
	// milliseconds; the suite logs the slowest).
	OthersWait = 5 * time.Second
	// StopSlack is what the target may take to exit past its grace: its
	// own margin (a second) and, on a loaded machine, the time a scheduler
	// with many goroutines runnable takes to hear the signal.
	StopSlack = 3 * time.Second
)

// Attacked is a target of the backpressure suite: a model running as a
// process of its own, started fresh for each case.
type Attacked struct {
	Addr string
	// Memory is the memory of the target's whole process tree, in bytes
	// (PSS, so pages its processes share count once).
	Memory func(t *testing.T) int64
	// Stop sends SIGTERM and waits up to timeout for the exit; it fails
	// when the target had not exited by then.
	Stop func(timeout time.Duration) error
}

// Backpressure is what the suite needs of a model.
type Backpressure struct {
	// Start starts a fresh target.
	Start func(t *testing.T) Attacked
	// Slots is how many connections the model serves at once (0: any
	// number). Other clients are held to OthersWait only when the model
	// has slots to spare beyond the hostile connections; a model that
	// serves one connection at a time serves the hostile one first.
	Slots int
	// Grace is how long the target lets connections finish on SIGTERM.
	Grace time.Duration
}

// RunBackpressure is the hostile-client suite: clients that would make the
// target spend memory or time that others pay for. Pipelined requests for
// large answers that are never read must cost the target a bounded amount
// of memory per connection and must not keep others from their answers;
// pipelined CPU work must not either (an event loop gives others their
// turns); and SIGTERM must end the target within its grace while clients
// leave their answers unread.
func RunBackpressure(t *testing.T, bp Backpressure) {
	t.Run("big answers never read", func(t *testing.T) {
		tgt := bp.Start(t)
		other := bp.other(t, tgt, HostileConns)
		before := tgt.Memory(t)
		flood(t, tgt.Addr, HostileConns, get("/echo?size=1048576"), 1000)
		waits := askDuring(t, other, 2*time.Second)
		grown := tgt.Memory(t) - before
		t.Logf("PSS growth with %d connections that never read: %.1f MiB; /health answered %d times, slowest in %v",
			HostileConns, float64(grown)/(1<<20), len(waits), maxOf(waits))
		assert.LessOrEqual(t, grown, int64(HostileConns)*MaxCostPerConn, "memory the hostile connections cost")
		assertPrompt(t, other, waits)
	})
	t.Run("pipelined CPU work", func(t *testing.T) {
		tgt := bp.Start(t)
		other := bp.other(t, tgt, 1)
		flood(t, tgt.Addr, 1, get("/cpu?us=20000"), 1000)
		waits := askDuring(t, other, time.Second)
		t.Logf("/health answered %d times behind 1,000 pipelined CPU requests, slowest in %v", len(waits), maxOf(waits))
		assertPrompt(t, other, waits)
	})
	t.Run("shutdown with clients that never read", func(t *testing.T) {
		tgt := bp.Start(t)
		flood(t, tgt.Addr, StuckConns, get("/echo?size=1048576"), 10)
		time.Sleep(500 * time.Millisecond)
		start := time.Now()
		err := tgt.Stop(bp.Grace + StopSlack)
		t.Logf("stopped in %v with %d connections that never read", time.Since(start).Round(time.Millisecond), StuckConns)
		assert.NoError(t, err, "an exit within the grace (%v)", bp.Grace)
	})
}

// flood opens n connections to addr and writes on each count copies of
// request in one write, never reading the answers; the connections close
// when the test ends.
func flood(t *testing.T, addr string, n int, request string, count int) []net.Conn {
	t.Helper()
	payload := []byte(strings.Repeat(request, count))
	conns := make([]net.Conn, 0, n)
	for range n {
		c, err := net.DialTimeout("tcp", addr, Timeout)
		require.NoError(t, err)
		t.Cleanup(func() { c.Close() })
		conns = append(conns, c)
	}
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Go(func() {
			c.SetWriteDeadline(time.Now().Add(Timeout))
			c.Write(payload) // a target that stops reading may leave some unsent
		})
	}
	wg.Wait()
	return conns
}

// other is a well-behaved client's connection, open and served before the
// attack starts, when the model has slots to serve it beside n hostile
// connections; else nil (a model that serves one connection at a time would
// serve it, and not the hostile ones).
func (bp Backpressure) other(t *testing.T, tgt Attacked, n int) net.Conn {
	if bp.Slots != 0 && bp.Slots <= n {
		return nil
	}
	return Dial(t, tgt.Addr)
}

// askDuring asks /health on c again and again for d, and returns how long
// each answer took; with no c it only waits. An answer that does not come
// within Timeout fails the test.
func askDuring(t *testing.T, c net.Conn, d time.Duration) []time.Duration {
	t.Helper()
	if c == nil {
		time.Sleep(d)
		return nil
	}
	var waits []time.Duration
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		start := time.Now()
		require.NoError(t, c.SetDeadline(start.Add(Timeout)))
		require.Equal(t, 200, RoundTrip(t, c, "/health"), "a well-behaved client's /health during the attack")
		waits = append(waits, time.Since(start))
	}
	return waits
}

// assertPrompt checks that the well-behaved client, if any, got every
// answer within OthersWait.
func assertPrompt(t *testing.T, c net.Conn, waits []time.Duration) {
	t.Helper()
	if c != nil {
		assert.LessOrEqual(t, maxOf(waits), OthersWait, "the slowest /health of a well-behaved client during the attack")
	}
}

func maxOf(ds []time.Duration) time.Duration {
	var m time.Duration
	for _, d := range ds {
		m = max(m, d)
	}
	return m
}
