package evloop_test

import (
	"context"
	"errors"
	"io"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/internal/poller"
	"github.com/corobench/corobench/targets/internal/evloop"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// counted is a Multiplexer that counts its calls: the loop must wait and
// watch through it alone.
type counted struct {
	*poller.Poller
	adds, waits, closes atomic.Int64
	before              func() // when set, called as each Wait starts
}

func (m *counted) Add(fd int, events uint32) error { m.adds.Add(1); return m.Poller.Add(fd, events) }

func (m *counted) Wait(timeout time.Duration, ready func(int, uint32)) (bool, error) {
	m.waits.Add(1)
	if m.before != nil {
		m.before()
	}
	return m.Poller.Wait(timeout, ready)
}

func (m *counted) Close() error { m.closes.Add(1); return m.Poller.Close() }

// echo is the smallest model: it sends back what it reads, a byte a turn
// (Loop.Again), and closes a connection idle for idle. When keep is set, it
// keeps its connections open when the loop stops, for the grace to close.
type echo struct {
	*evloop.Loop[*echoConn]
	idle time.Duration
	keep bool
	// readies counts Ready calls, turned Turned calls; unturned is how
	// many Readys the last Turned had not followed yet.
	readies, turned, unturned atomic.Int64
}

type echoConn struct {
	fd      int
	timer   poller.Timer[*echoConn]
	pending []byte
	closed  bool
}

func newEcho(t *testing.T, idle time.Duration) (*echo, *counted) {
	p, err := poller.New()
	require.NoError(t, err)
	mux := &counted{Poller: p}
	e := &echo{idle: idle}
	e.Loop = evloop.New(mux, 100*time.Millisecond, evloop.Handler[*echoConn]{
		Open: func(fd int) {
			c := &echoConn{fd: fd}
			c.timer.Value = c
			e.Put(fd, c)
			e.Timers().Set(&c.timer, e.Now()+e.idle)
		},
		Ready: func(c *echoConn, _ uint32) {
			e.readies.Add(1)
			e.unturned.Add(1)
			buf := make([]byte, 64)
			n, err := poller.Read(c.fd, buf)
			if err == unix.EAGAIN {
				return
			}
			if n <= 0 {
				e.close(c)
				return
			}
			more := len(c.pending) > 0
			c.pending = append(c.pending, buf[:n]...)
			if !more {
				e.turn(c)
			}
			e.Timers().Set(&c.timer, e.Tick()+e.idle)
		},
		Resume: func(c *echoConn) {
			if !c.closed {
				e.turn(c)
			}
		},
		Expire: func(c *echoConn) { e.close(c) },
		Stop: func(c *echoConn) {
			if !e.keep {
				e.close(c)
			}
		},
		Close:  func(c *echoConn) { e.close(c) },
		Turned: func() { e.turned.Add(1); e.unturned.Store(0) },
	})
	return e, mux
}

// turn sends one pending byte, and asks for another turn if more are left.
func (e *echo) turn(c *echoConn) {
	poller.Write(c.fd, c.pending[:1])
	if c.pending = c.pending[1:]; len(c.pending) > 0 {
		e.Again(c)
	}
}

func (e *echo) close(c *echoConn) {
	c.closed = true
	e.Timers().Stop(&c.timer)
	unix.Close(c.fd)
	e.Forget(c.fd)
}

// serve runs e on a fresh listener and returns its address and a stop that
// ends the context and returns Serve's result. The test's end stops it too.
func serve(t *testing.T, e *echo) (addr string, stop func() error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- evloop.Serve(ctx, ln, e.Run, e.Close) }()
	var result error
	stopped := false
	stop = func() error {
		if !stopped {
			stopped = true
			cancel()
			select {
			case result = <-done:
			case <-time.After(10 * time.Second):
				result = errors.New("Serve did not return after its context ended")
			}
		}
		return result
	}
	t.Cleanup(func() { assert.NoError(t, stop()) })
	return ln.Addr().String(), stop
}

// dial connects to addr with a deadline for the whole test.
func dial(t *testing.T, addr string) net.Conn {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(5 * time.Second))
	return c
}

// echoes sends msg on c and checks that it comes back.
func echoes(t *testing.T, c net.Conn, msg string) {
	_, err := c.Write([]byte(msg))
	require.NoError(t, err)
	got := make([]byte, len(msg))
	_, err = io.ReadFull(c, got)
	require.NoError(t, err)
	assert.Equal(t, msg, string(got))
}

func TestLoopServesThroughItsMultiplexer(t *testing.T) {
	t.Parallel()
	e, mux := newEcho(t, time.Minute)
	addr, _ := serve(t, e)
	echoes(t, dial(t, addr), "ping")
	assert.GreaterOrEqual(t, mux.adds.Load(), int64(2), "the listener and the connection")
	assert.Positive(t, mux.waits.Load())
}

func TestTimerClosesIdleConnection(t *testing.T) {
	t.Parallel()
	e, _ := newEcho(t, 20*time.Millisecond)
	addr, _ := serve(t, e)
	n, err := dial(t, addr).Read(make([]byte, 1))
	assert.Zero(t, n)
	assert.ErrorIs(t, err, io.EOF, "the loop closed the idle connection")
}

func TestStopClosesConnectionsAndReleasesTheMultiplexer(t *testing.T) {
	t.Parallel()
	e, mux := newEcho(t, time.Minute)
	addr, stop := serve(t, e)
	c := dial(t, addr)
	echoes(t, c, "x") // served: the loop holds it
	require.NoError(t, stop())
	_, err := c.Read(make([]byte, 1))
	assert.ErrorIs(t, err, io.EOF)
	assert.Equal(t, int64(1), mux.closes.Load())
	_, err = net.DialTimeout("tcp", addr, time.Second)
	assert.Error(t, err, "the listener is closed")
}

// A connection that asks for another turn gets it after the loop's next
// wait, which does not sleep: a byte a turn, the whole message comes back,
// in as many waits.
func TestAgainGivesAnotherTurn(t *testing.T) {
	t.Parallel()
	e, mux := newEcho(t, time.Minute)
	addr, _ := serve(t, e)
	waits := mux.waits.Load()
	echoes(t, dial(t, addr), "twenty bytes of text")
	assert.GreaterOrEqual(t, mux.waits.Load()-waits, int64(20), "a wait between turns")
}

// Connections still open when the grace ends are closed, and Run returns.
func TestGraceClosesWhatStopLeftOpen(t *testing.T) {
	t.Parallel()
	e, _ := newEcho(t, time.Minute)
	e.keep = true
	addr, stop := serve(t, e)
	c := dial(t, addr)
	echoes(t, c, "x")
	start := time.Now()
	require.NoError(t, stop())
	assert.GreaterOrEqual(t, time.Since(start), 100*time.Millisecond, "the grace")
	_, err := c.Read(make([]byte, 1))
	assert.ErrorIs(t, err, io.EOF)
}

// Turned comes after the events of each wait, before the loop waits again:
// a wait never starts with a Ready not yet followed by a Turned.
func TestTurnedEndsEveryTurn(t *testing.T) {
	t.Parallel()
	e, mux := newEcho(t, time.Minute)
	var late atomic.Int64
	mux.before = func() {
		if e.unturned.Load() > 0 {
			late.Add(1)
		}
	}
	addr, _ := serve(t, e)
	a, b := dial(t, addr), dial(t, addr)
	echoes(t, a, "one")
	echoes(t, b, "two")
	echoes(t, a, "three")
	assert.Positive(t, e.readies.Load())
	assert.Positive(t, e.turned.Load())
	assert.Zero(t, late.Load(), "waits that started before the turn's Turned")
}
