package loadgen

import (
	"context"
	"fmt"
	"net"
	"runtime"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/internal/poller"
)

// epollSupported says whether this system has the epoll engine.
const epollSupported = true

// eloop is one event loop of the epoll engine: an OS thread with its own
// poller over its share of a closed loop's connections (each registered by
// its index in conns), woken when the run's context ends, and its own
// shard of the recorder, which it locks once per wake-up.
type eloop struct {
	ctx    context.Context
	rs     *runState
	shard  *shard
	sa     unix.Sockaddr
	family int
	p      *poller.Poller
	conns  []*econn
	// queue holds the connections whose next round is sent once every
	// event of a wake-up is handled: the requests then reach the target
	// together, as a burst, rather than one between each two reads.
	queue []*econn
	// ring, when there is one, takes a wake-up's reads (of the readable
	// connections) and then its writes (of the queued rounds) in one
	// system call each; without one, each is a system call of its own.
	ring     *ring
	readable []*econn
	now      time.Time // of the batch in progress
	onEvent  func(key int, events uint32)
	onRead   func(user uint64, res int32)
	onWrite  func(user uint64, res int32)
	// next is when the earliest deadline (timeout, think, reconnect) may
	// fall; it is a lower bound, refreshed by a scan of the connections.
	next time.Time
}

// runEpoll drives a closed loop's connections from cfg.threads event loops
// and returns when the run ends, with the engine it was: uring when every
// loop had a ring.
func runEpoll(ctx context.Context, rs *runState, threads int) (Engine, error) {
	ta, err := net.ResolveTCPAddr("tcp", rs.addr)
	if err != nil {
		return "", fmt.Errorf("loadgen: address %q: %w", rs.addr, err)
	}
	engine := EngineURing
	loops := make([]*eloop, threads)
	for i := range loops {
		sa, family := sockaddr(ta)
		l, err := newLoop(rs, sa, family, rs.rec.shard(i))
		if err != nil {
			for _, l := range loops[:i] {
				l.close()
			}
			return "", err
		}
		if l.ring == nil {
			engine = EngineEpoll
		}
		loops[i] = l
	}
	for i := range rs.cfg.conns {
		l := loops[i%threads]
		l.conns = append(l.conns, &econn{idx: len(l.conns), fd: -1,
			mix: newMix(rs.reqs, rs.cfg.seed+uint64(i))})
	}
	var wg sync.WaitGroup
	for _, l := range loops {
		stop := context.AfterFunc(ctx, func() { l.p.Wake() }) // after the close, it does nothing
		wg.Go(func() {
			defer stop()
			defer l.close()
			l.run(ctx)
		})
	}
	wg.Wait()
	return engine, nil
}

// sockaddr is a's socket address; each loop has its own, as connect(2)
// writes into it.
func sockaddr(a *net.TCPAddr) (unix.Sockaddr, int) {
	if ip4 := a.IP.To4(); ip4 != nil {
		sa := &unix.SockaddrInet4{Port: a.Port}
		copy(sa.Addr[:], ip4)
		return sa, unix.AF_INET
	}
	sa := &unix.SockaddrInet6{Port: a.Port}
	copy(sa.Addr[:], a.IP.To16())
	return sa, unix.AF_INET6
}

func newLoop(rs *runState, sa unix.Sockaddr, family int, s *shard) (*eloop, error) {
	p, err := poller.New()
	if err != nil {
		return nil, fmt.Errorf("loadgen: %w", err)
	}
	l := &eloop{rs: rs, shard: s, sa: sa, family: family, p: p}
	l.onEvent, l.onRead, l.onWrite = l.event, l.readDone, l.writeDone
	if rs.cfg.engine != EngineEpoll {
		r, err := newRing(ringEntries)
		if err != nil && rs.cfg.engine == EngineURing {
			l.close()
			return nil, err
		}
		l.ring = r // nil without io_uring: plain system calls
	}
	return l, nil
}

// ringEntries is the size of an event loop's ring: a wake-up's operations
// beyond it go in more than one system call.
const ringEntries = 256

func (l *eloop) close() {
	l.p.Close()
	if l.ring != nil {
		l.ring.close()
		l.ring = nil
	}
}

// run is the loop: wait for readiness or the next deadline, handle what is
// ready, and act on what is due, until the end of the run.
func (l *eloop) run(ctx context.Context) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	end := l.rs.rec.end
	now := time.Now()
	l.ctx = ctx
	l.shard.mu.Lock()
	for _, c := range l.conns {
		l.dial(c, now)
	}
	for ctx.Err() == nil && now.Before(end) {
		l.shard.mu.Unlock()
		wakeAt := end
		if !l.next.IsZero() {
			wakeAt = earliest(l.next, end)
		}
		n, err := l.p.Poll(max(wakeAt.Sub(now), 0))
		now = time.Now()
		l.shard.mu.Lock()
		if err != nil {
			break
		}
		l.now = now
		l.p.Dispatch(n, l.onEvent) // a wake-up: the loop condition sees the context
		now = l.now
		if len(l.readable) > 0 {
			now = l.readAll(now)
		}
		if len(l.queue) > 0 {
			now = l.sendQueued()
		}
		if !l.next.IsZero() && !now.Before(l.next) {
			l.scan(now)
		}
	}
	l.finish(now)
	l.shard.mu.Unlock()
}

// event handles what the poller reported for the connection at key.
func (l *eloop) event(key int, events uint32) {
	l.now = l.ready(l.conns[key], events, l.now)
}

// readAll reads every connection found readable, in one system call, and
// handles what each received; it returns the time of the last answer.
func (l *eloop) readAll(now time.Time) time.Time {
	l.now = now
	for _, c := range l.readable {
		if c.fd >= 0 {
			l.prep(uringOpRecv, c, c.in.space(), l.onRead)
		}
	}
	l.readable = l.readable[:0]
	l.submit(l.onRead)
	return l.now
}

func (l *eloop) readDone(user uint64, res int32) {
	n, err := uringResult(res)
	l.now = l.received(l.conns[user], n, err, l.now)
}

// sendQueued sends the next round of every connection queued, through the
// ring when there is one, and returns the time it was sent at.
func (l *eloop) sendQueued() time.Time {
	now := time.Now()
	l.now = now
	for _, c := range l.queue {
		if l.start(c, now) {
			l.prep(uringOpSend, c, c.out, l.onWrite)
		}
	}
	l.queue = l.queue[:0]
	l.submit(l.onWrite)
	return now
}

// writeDone goes on with a round whose write completed: what is left, if
// the socket took only part of it, is written as without a ring.
func (l *eloop) writeDone(user uint64, res int32) {
	c := l.conns[user]
	n, err := uringResult(res)
	switch {
	case err != nil && err != unix.EAGAIN && err != unix.EINTR:
		l.fail(c, err, l.now)
	default:
		c.wrote += n
		l.flush(c, l.now)
	}
}

// prep queues an operation on c's socket in the ring, first submitting
// what is queued when the ring is full; without a ring it does the
// operation at once, with a system call of its own.
func (l *eloop) prep(op uint8, c *econn, b []byte, done func(uint64, int32)) {
	if l.ring != nil && l.ring.space() == 0 {
		l.submit(done)
	}
	if l.ring == nil {
		if op == uringOpRecv {
			l.now = l.read(c, l.now)
		} else {
			l.flush(c, l.now)
		}
		return
	}
	l.ring.prep(op, c.fd, b, uint64(c.idx))
}

// submit submits what is queued in the ring, if there is one.
func (l *eloop) submit(done func(uint64, int32)) {
	if l.ring == nil {
		return
	}
	if err := l.ring.submit(done); err != nil {
		l.ringFailed(err)
	}
}

// ringFailed gives up the ring after an io_uring_enter error, which only a
// kernel fault can cause: the loop goes on with plain system calls.
func (l *eloop) ringFailed(err error) {
	l.shard.addFailure(l.rs.rec, l.now, kindOf(err, false))
	l.ring.close()
	l.ring = nil
}

// uringResult is a completion's result as read(2) or write(2) would give it.
func uringResult(res int32) (int, error) {
	if res < 0 {
		return 0, unix.Errno(-res)
	}
	return int(res), nil
}

// due notes that c has something to do at t.
func (l *eloop) due(c *econn, t time.Time) {
	c.due = t
	if l.next.IsZero() || t.Before(l.next) {
		l.next = t
	}
}

// scan acts on every connection whose deadline has passed and finds the
// next one.
func (l *eloop) scan(now time.Time) {
	l.next = time.Time{}
	for _, c := range l.conns {
		if c.due.IsZero() {
			continue
		}
		if !now.Before(c.due) {
			c.due = time.Time{}
			l.expire(c, now)
		}
		if !c.due.IsZero() && (l.next.IsZero() || c.due.Before(l.next)) {
			l.next = c.due
		}
	}
}

// finish counts the requests in flight at the end as unfinished and closes
// every connection.
func (l *eloop) finish(now time.Time) {
	for _, c := range l.conns {
		if c.state == stBusy {
			l.lost(c, ErrOther, l.ctx.Err() != nil, now) // unfinished: the run is ending (unless the poller failed)
		}
		c.close()
	}
}
