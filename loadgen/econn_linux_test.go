package loadgen

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/protocol"
)

// The epoll engine's hot path (an answer read, parsed, checked and
// recorded, the next request written) allocates nothing, with a ring or
// without.
func TestEpollHotPathAllocatesNothing(t *testing.T) {
	t.Run("epoll", func(t *testing.T) { testHotPath(t, false) })
	t.Run("uring", func(t *testing.T) { testHotPath(t, true) })
}

func testHotPath(t *testing.T, withRing bool) {
	pair, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	require.NoError(t, err)
	peer := pair[1]
	t.Cleanup(func() { unix.Close(peer) })

	cfg := defaults()
	cfg.requests = []Request{{Method: "GET", Path: "/cpu?us=10", Weight: 1}}
	now := time.Now()
	rec := newRecorder(1, now.Add(-time.Second), time.Hour, false)
	rs := &runState{cfg: &cfg, rec: rec, sums: newChecksums()}
	l := &eloop{ctx: context.Background(), rs: rs, shard: rec.shard(0)}
	c := &econn{fd: pair[0], in: rbuf{buf: make([]byte, 0, initialBuffer)}, mix: newMix(newRequestSet(cfg.requests, "h", false, VerifyAlways, nil), 1)}
	l.conns = []*econn{c}
	defer c.close()
	l.onRead, l.onWrite = l.readDone, l.writeDone
	if withRing {
		r, err := newRing(8)
		if err != nil {
			t.Skipf("no io_uring here: %v", err)
		}
		l.ring = r
		defer r.close()
	}

	body := protocol.AppendCPUBody(nil, 1000, rs.sums.get(1000))
	answer := append([]byte("HTTP/1.1 200 OK\r\nContent-Length: "+strconv.Itoa(len(body))+"\r\n\r\n"), body...)
	sink := make([]byte, 4096)
	l.send(c, time.Now())
	round := func() {
		n, err := unix.Read(peer, sink) // the request
		if err != nil || n == 0 {
			t.Fatalf("request: %d %v", n, err)
		}
		if _, err := unix.Write(peer, answer); err != nil {
			t.Fatal(err)
		}
		if withRing {
			l.readable = append(l.readable, c)
			l.readAll(time.Now())
		} else {
			l.read(c, time.Now())
		}
		l.sendQueued()
	}
	round()
	allocs := testing.AllocsPerRun(2000, round)
	assert.Zero(t, allocs)
	assert.Equal(t, stBusy, c.state, "the next request is in flight")
	l.shard.mu.Lock()
	defer l.shard.mu.Unlock()
	assert.Empty(t, l.shard.errors)
	assert.Positive(t, l.shard.requests)
}

// The event loops hold a server that sends a head without end to the same
// bound as the goroutines.
func TestEconnBufferBounded(t *testing.T) {
	pair, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	require.NoError(t, err)
	peer := pair[1]
	require.NoError(t, unix.SetNonblock(pair[0], true))
	cfg := defaults()
	now := time.Now()
	rec := newRecorder(1, now.Add(-time.Second), time.Hour, false)
	rs := &runState{cfg: &cfg, rec: rec, sums: newChecksums()}
	l := &eloop{ctx: context.Background(), rs: rs, shard: rec.shard(0)}
	c := &econn{fd: pair[0], in: rbuf{buf: make([]byte, 0, initialBuffer)}, mix: newMix(newRequestSet(cfg.requests, "h", false, VerifyAuto, nil), 1)}
	l.conns = []*econn{c}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer unix.Close(peer)
		unix.Write(peer, []byte("HTTP/1.1 200 OK\r\n"))
		more := []byte(strings.Repeat("X-Endless: yes\r\n", 256))
		for {
			if _, err := unix.Write(peer, more); err != nil {
				return
			}
		}
	}()
	l.start(c, time.Now())
	for c.fd >= 0 {
		l.read(c, time.Now())
		require.LessOrEqual(t, cap(c.in.buf), maxBuffer)
	}
	<-done
	assert.Equal(t, int64(1), l.shard.errors[ErrHeadTooLarge], "errors: %v", l.shard.errors)
}

// Bytes a server sends while nothing is asked (an event loop reads them in
// the think time) are kept up to a small bound, then the connection is
// closed and the target's error counted: they never grow the buffer.
func TestEconnUnaskedBytesBounded(t *testing.T) {
	pair, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	require.NoError(t, err)
	peer := pair[1]
	require.NoError(t, unix.SetNonblock(pair[0], true))
	cfg := defaults()
	rec := newRecorder(1, time.Now().Add(-time.Second), time.Hour, false)
	rs := &runState{cfg: &cfg, rec: rec, sums: newChecksums()}
	l := &eloop{ctx: context.Background(), rs: rs, shard: rec.shard(0)}
	c := &econn{fd: pair[0], state: stIdle, in: rbuf{buf: make([]byte, 0, initialBuffer)}}
	l.conns = []*econn{c}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer unix.Close(peer)
		more := []byte(strings.Repeat("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 64))
		for {
			if _, err := unix.Write(peer, more); err != nil {
				return
			}
		}
	}()
	for c.fd >= 0 {
		l.read(c, time.Now())
		require.LessOrEqual(t, cap(c.in.buf), initialBuffer, "unasked bytes do not grow the buffer")
	}
	<-done
	assert.Equal(t, map[string]int64{ErrUnasked: 1}, l.shard.errors)
	assert.Zero(t, l.shard.reconnects, "an error, not a close of the target's")
	assert.False(t, c.due.IsZero(), "a new connection is due")
}
