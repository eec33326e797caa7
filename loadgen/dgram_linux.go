package loadgen

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/internal/poller"
	"github.com/corobench/corobench/results"
)

// recvBatch is how many answers one recvmmsg takes.
const recvBatch = 64

// dsock is one socket of the datagram engine, connected to the target,
// and the clients that share it. Only its loop touches it.
type dsock struct {
	fd, idx int
	clients []*dclient
	out     *poller.Msgs // the sends queued
	slots   []*dslot     // the slot of each queued send
	queued  bool         // in its loop's list of sockets to flush
	writing bool         // EPOLLOUT is watched: its buffer was full
}

// dloop is one thread of the datagram engine: its sockets in one epoll,
// its slots' timeouts in one heap, a recvmmsg batch for what arrives and a
// sendmmsg batch per socket for what leaves, and its own shard of the
// recorder, locked once per wake-up. Here, the loop itself; what arrives
// (answers, refusals, timeouts) in dgram_recv_linux.go; what leaves (the
// sends and an open loop's schedule) in dgram_send_linux.go.
type dloop struct {
	ctx     context.Context
	dr      *drun
	shard   *shard
	p       *poller.Poller
	timers  *poller.Timers[*dslot]
	t0      time.Time // when the timers' clock reads 0 (within a few ns)
	socks   []*dsock
	in      *poller.Msgs
	st      dstats
	now     time.Time
	err     error
	onEvent func(key int, events uint32)
	flushes []*dsock // sockets with sends queued in this wake-up
	// An open loop's schedule: a timerfd wakes the loop when the next
	// request is due, more finely than epoll's milliseconds.
	tfd      int
	n        uint64 // requests due so far, sent or dropped
	rr       int    // the client tried first for the next request
	paced    bool   // the schedule is over
	clients  []*dclient
	left     int // a batch's requests not yet answered or lost
	timeout  time.Duration
	timerKey int
	threads  int // of the engine: socket i is this loop's i/threads
}

// runDatagramLoops drives the run's clients from threads event loops, each
// an OS thread with its own sockets, and returns what they counted.
func runDatagramLoops(ctx context.Context, dr *drun, threads int) (dstats, error) {
	loops := make([]*dloop, threads)
	defer func() {
		for _, l := range loops {
			if l != nil {
				l.close()
			}
		}
	}()
	for i := range loops {
		l, err := newDloop(dr, dr.rec.shard(i))
		if err != nil {
			return dstats{}, err
		}
		l.threads = threads
		loops[i] = l
	}
	sa, family := udpSockaddr(dr)
	socks := make([]*dsock, dr.sockets)
	for i := range socks {
		l := loops[i%threads]
		fd, err := unix.Socket(family, unix.SOCK_DGRAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
		if err == nil {
			err = unix.Connect(fd, sa)
			if err != nil {
				unix.Close(fd)
			}
		}
		if err != nil {
			return dstats{}, fmt.Errorf("loadgen: datagram socket: %w", err)
		}
		s := &dsock{fd: fd, idx: i}
		socks[i] = s
		l.socks = append(l.socks, s)
		if err := l.p.AddKey(fd, poller.Readable, int32(len(l.socks)-1)); err != nil {
			return dstats{}, fmt.Errorf("loadgen: %w", err)
		}
	}
	for _, c := range dr.clients {
		s := socks[c.sock]
		s.clients = append(s.clients, c)
		l := loops[c.sock%threads]
		l.clients = append(l.clients, c)
	}
	for _, s := range socks {
		s.out = newMsgsFor(s, dr.window)
	}
	var wg sync.WaitGroup
	for _, l := range loops {
		if dr.mode == results.ModeOpen {
			if err := l.timerfd(); err != nil {
				return dstats{}, err
			}
		}
		stop := context.AfterFunc(ctx, func() { l.p.Wake() })
		wg.Go(func() {
			defer stop()
			l.run(ctx)
		})
	}
	wg.Wait()
	var st dstats
	for _, l := range loops {
		if l.err != nil {
			return dstats{}, l.err
		}
		st.add(&l.st)
	}
	return st, nil
}

// newMsgsFor is the send batch of s: room for every request its clients
// may have in flight.
func newMsgsFor(s *dsock, window int) *poller.Msgs {
	return poller.NewMsgs(len(s.clients)*window, 0, false)
}

// udpSockaddr is the target's socket address.
func udpSockaddr(dr *drun) (unix.Sockaddr, int) {
	if ip4 := dr.addr.IP.To4(); ip4 != nil {
		sa := &unix.SockaddrInet4{Port: dr.addr.Port}
		copy(sa.Addr[:], ip4)
		return sa, unix.AF_INET
	}
	sa := &unix.SockaddrInet6{Port: dr.addr.Port}
	copy(sa.Addr[:], dr.addr.IP.To16())
	return sa, unix.AF_INET6
}

func newDloop(dr *drun, s *shard) (*dloop, error) {
	p, err := poller.New()
	if err != nil {
		return nil, fmt.Errorf("loadgen: %w", err)
	}
	l := &dloop{dr: dr, shard: s, p: p, timers: poller.NewTimers[*dslot](), t0: time.Now(),
		in: poller.NewMsgs(recvBatch, dr.bufSize, false), tfd: -1, timeout: dr.cfg.timeout}
	l.onEvent = l.event
	return l, nil
}

func (l *dloop) close() {
	l.p.Close()
	for _, s := range l.socks {
		unix.Close(s.fd)
	}
	if l.tfd >= 0 {
		unix.Close(l.tfd)
	}
}

// timerfd gives the loop the timer its open-loop schedule sleeps on.
func (l *dloop) timerfd() error {
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return fmt.Errorf("loadgen: timerfd: %w", err)
	}
	l.tfd, l.timerKey = fd, len(l.socks)
	return l.p.AddKey(fd, poller.Readable, int32(l.timerKey))
}

// run is the loop: send what is due, wait for answers, the next timeout or
// the next request due, and handle them, until the run ends.
func (l *dloop) run(ctx context.Context) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	l.ctx = ctx
	end := l.dr.rec.end
	l.shard.mu.Lock()
	l.now = time.Now()
	l.begin()
	l.flush()
	for ctx.Err() == nil && l.now.Before(end) && !l.finished() {
		l.shard.mu.Unlock()
		wait := end.Sub(l.now)
		if d := l.timers.Timeout(l.clock()); d >= 0 {
			wait = min(wait, d)
		}
		n, err := l.p.Poll(max(wait, 0))
		l.now = time.Now()
		l.shard.mu.Lock()
		if err != nil {
			l.err = fmt.Errorf("loadgen: %w", err)
			break
		}
		l.p.Dispatch(n, l.onEvent)
		l.expire()
		if l.tfd >= 0 {
			l.pace()
		}
		l.flush()
	}
	l.finish()
	l.shard.mu.Unlock()
}

// clock is the loop's time on its timers' clock.
func (l *dloop) clock() time.Duration { return l.now.Sub(l.t0) }

// begin sends the first requests: every slot of every window in a closed
// loop, one per client in a batch; an open loop follows its schedule.
func (l *dloop) begin() {
	switch l.dr.mode {
	case results.ModeOpen:
		l.pace()
	case results.ModeBatch:
		l.left = len(l.clients)
		for _, c := range l.clients {
			l.send(&c.slots[0], l.now)
		}
	default:
		for _, c := range l.clients {
			for i := range c.slots {
				l.send(&c.slots[i], l.now)
			}
		}
	}
}

// finished reports that a batch has its every answer.
func (l *dloop) finished() bool { return l.dr.mode == results.ModeBatch && l.left == 0 }

// event handles what epoll reported for the socket (or timer) at key.
func (l *dloop) event(key int, events uint32) {
	if l.tfd >= 0 && key == l.timerKey {
		var buf [8]byte
		unix.Read(l.tfd, buf[:])
		return
	}
	s := l.socks[key]
	if s.writing && events&unix.EPOLLOUT != 0 {
		l.flushSock(s)
	}
	if events&(unix.EPOLLIN|unix.EPOLLERR|unix.EPOLLHUP) != 0 {
		l.recv(s)
	}
}
