package loadgen

import (
	"context"
	"fmt"
	"net"
	"runtime"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// epollSupported says whether this system has the epoll engine.
const epollSupported = true

// wakeIndex marks the eventfd that wakes a loop when the run's context ends.
const wakeIndex = -1

// eloop is one event loop of the epoll engine: an OS thread with its own
// epoll over its share of a closed loop's connections, and its own shard
// of the recorder, which it locks once per wake-up.
type eloop struct {
	ctx    context.Context
	rs     *runState
	shard  *shard
	sa     unix.Sockaddr
	family int
	ep     int // epoll
	wake   int // eventfd, written when the run's context ends
	// wakeMu orders interrupt and close: an interrupt that came after the
	// close would write into whatever file reused the eventfd's number.
	wakeMu sync.Mutex
	conns  []*econn
	events []unix.EpollEvent
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
	onRead   func(user uint64, res int32)
	onWrite  func(user uint64, res int32)
	// next is when the earliest deadline (timeout, think, reconnect) may
	// fall; it is a lower bound, refreshed by a scan of the connections.
	next time.Time
}

// runEpoll drives a closed loop's connections from cfg.threads event loops
// and returns when the run ends, with the engine it was: uring when every
// loop had a ring.
func runEpoll(ctx context.Context, rs *runState, host string, threads int) (Engine, error) {
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
			mix: newMix(rs.cfg.requests, host, rs.cfg.seed+uint64(i), rs.cfg.connPerReq)})
	}
	var wg sync.WaitGroup
	for _, l := range loops {
		stop := context.AfterFunc(ctx, l.interrupt)
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
	ep, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("loadgen: epoll: %w", err)
	}
	wake, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		unix.Close(ep)
		return nil, fmt.Errorf("loadgen: eventfd: %w", err)
	}
	ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: wakeIndex}
	if err := unix.EpollCtl(ep, unix.EPOLL_CTL_ADD, wake, &ev); err != nil {
		unix.Close(ep)
		unix.Close(wake)
		return nil, fmt.Errorf("loadgen: epoll: %w", err)
	}
	l := &eloop{rs: rs, shard: s, sa: sa, family: family, ep: ep, wake: wake,
		events: make([]unix.EpollEvent, 256)}
	l.onRead, l.onWrite = l.readDone, l.writeDone
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

// interrupt wakes the loop from epoll_wait; it runs when the context ends,
// and does nothing once the loop is closed.
func (l *eloop) interrupt() {
	l.wakeMu.Lock()
	defer l.wakeMu.Unlock()
	if l.wake >= 0 {
		one := [8]byte{1}
		unix.Write(l.wake, one[:])
	}
}

func (l *eloop) close() {
	l.wakeMu.Lock()
	defer l.wakeMu.Unlock()
	unix.Close(l.ep)
	unix.Close(l.wake)
	l.ep, l.wake = -1, -1
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
		n, err := pollNow(l.ep, l.events)
		if n == 0 && err == nil {
			n, err = unix.EpollWait(l.ep, l.events, waitMillis(now, wakeAt))
		}
		now = time.Now()
		l.shard.mu.Lock()
		if err != nil && err != unix.EINTR {
			break
		}
		for _, ev := range l.events[:max(n, 0)] {
			if ev.Fd == wakeIndex {
				continue // the loop condition sees the context
			}
			now = l.ready(l.conns[ev.Fd], ev.Events, now)
		}
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

// readAll reads every connection found readable, in one system call, and
// handles what each received; it returns the time of the last answer.
func (l *eloop) readAll(now time.Time) time.Time {
	l.now = now
	for _, c := range l.readable {
		if c.fd >= 0 {
			l.prep(uringOpRecv, c, c.readSpace(), l.onRead)
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

// waitMillis is epoll_wait's timeout until t: at least 0, rounded up so
// that the loop wakes at or after t.
func waitMillis(now, t time.Time) int {
	d := t.Sub(now)
	if d <= 0 {
		return 0
	}
	return int(min((d+time.Millisecond-1)/time.Millisecond, time.Hour/time.Millisecond))
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
			l.lost(c, errEnded, now)
		}
		c.close()
	}
}
