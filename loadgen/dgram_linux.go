package loadgen

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/internal/poller"
	"github.com/corobench/corobench/protocol"
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
// recorder, locked once per wake-up.
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

// recv reads what s has, a batch at a time, and handles each answer.
func (l *dloop) recv(s *dsock) {
	for range 4 { // then let the other sockets have their turn
		n, err := l.in.Recv(s.fd)
		switch {
		case err == unix.EAGAIN || err == unix.EINTR:
			return
		case err == unix.ECONNREFUSED:
			l.refused(s)
			continue
		case err != nil:
			l.refused(s) // a socket error on the way back: its oldest request failed
			return
		}
		t := time.Now()
		l.now = t
		for i := range n {
			l.answer(s, l.in.Datagram(i), l.in.Truncated(i), t)
		}
		if n < l.in.Cap() {
			return
		}
	}
}

// answer handles an answer datagram b that came on s at t.
func (l *dloop) answer(s *dsock, b []byte, truncated bool, t time.Time) {
	var a protocol.DatagramAnswer
	if truncated || protocol.ParseDatagramAnswer(b, &a) != nil {
		l.st.stray(l.dr.rec, strayMalformed, t)
		return
	}
	slot, kind := l.dr.find(a.ID, s.idx)
	if kind != matched {
		l.st.stray(l.dr.rec, kind, t)
		return
	}
	slot.answered()
	l.timers.Stop(&slot.timer)
	rec := l.dr.rec
	key := l.key(slot, t)
	if kind := checkDatagram(l.dr.sums, slot.req, &a); kind != "" {
		l.shard.addFailure(rec, key, kind)
	} else {
		l.shard.addSuccess(rec, key, t, t.Sub(slot.due), t.Sub(slot.sent), int64(len(b)))
		if rec.counts(key) && t.Before(rec.end) {
			slot.c.served = true
		}
	}
	if l.dr.mode == results.ModeBatch {
		l.st.last = t
	}
	l.done(slot, t)
}

// key is when a request's outcome counts: when it was due in an open loop,
// when it ended (t) otherwise.
func (l *dloop) key(s *dslot, t time.Time) time.Time {
	if l.dr.mode == results.ModeOpen {
		return s.due
	}
	return t
}

// refused fails the oldest request in flight on s: the target refused a
// datagram of s (nothing listens: an ICMP port unreachable came back), or
// the socket failed. Its slot pauses before it sends again, so that a
// closed loop does not spin on a target that is not there.
func (l *dloop) refused(s *dsock) {
	var oldest *dslot
	for _, c := range s.clients {
		for i := range c.slots {
			if sl := &c.slots[i]; sl.busy && (oldest == nil || sl.sent.Before(oldest.sent)) {
				oldest = sl
			}
		}
	}
	if oldest == nil {
		return
	}
	oldest.busy = false
	l.shard.addFailure(l.dr.rec, l.key(oldest, l.now), ErrRefused)
	l.pause(oldest)
}

// pause makes s wait reconnectPause before it sends again (or, in an open
// loop or a batch, simply ends its request).
func (l *dloop) pause(s *dslot) {
	if l.dr.mode != results.ModeClosed {
		l.timers.Stop(&s.timer)
		l.done(s, l.now)
		return
	}
	l.timers.Set(&s.timer, l.clock()+reconnectPause)
}

// expire acts on the timers that are due: a request in flight is lost; a
// paused slot sends again.
func (l *dloop) expire() {
	for {
		t, ok := l.timers.Pop(l.clock())
		if !ok {
			return
		}
		s := t.Value
		if !s.busy {
			l.send(s, l.now) // a pause is over
			continue
		}
		s.busy = false
		l.shard.addLost(l.dr.rec, 1, ErrLost, l.ctx.Err() != nil, l.now, s.due)
		l.done(s, l.now)
	}
}

// done goes on after s's request ended at t: a closed loop sends the next
// one at once, an open loop frees the slot, a batch counts it.
func (l *dloop) done(s *dslot, t time.Time) {
	switch l.dr.mode {
	case results.ModeClosed:
		if t.Before(l.dr.rec.end) {
			l.send(s, t)
		}
	case results.ModeOpen:
		s.c.release(s)
	case results.ModeBatch:
		l.left--
	}
}

// send queues s's next request, to leave with the others of this wake-up
// (flush); due is when it was due (an open loop's schedule, else now).
func (l *dloop) send(s *dslot, due time.Time) {
	s.encode(l.dr.salt, s.c.mix.next())
	s.due = due
	sock := l.socks[s.c.sock/l.threads]
	sock.out.Add(s.buf, nil)
	sock.slots = append(sock.slots, s)
	if !sock.queued {
		sock.queued = true
		l.flushes = append(l.flushes, sock)
	}
}

// flush sends what every socket has queued.
func (l *dloop) flush() {
	for _, s := range l.flushes {
		s.queued = false
		if !s.writing {
			l.flushSock(s)
		}
	}
	l.flushes = l.flushes[:0]
}

// flushSock sends what s has queued, in as few system calls as the kernel
// takes, timing each request from now; a full socket buffer waits for
// EPOLLOUT, and a send the kernel refuses fails its request.
func (l *dloop) flushSock(s *dsock) {
	for s.out.Len() > 0 {
		n, err := s.out.Send(s.fd)
		now := time.Now()
		l.sent(s.slots[:n], now)
		s.slots = append(s.slots[:0], s.slots[n:]...)
		switch {
		case err == nil:
		case err == unix.EAGAIN:
			l.watchWrites(s, true)
			return
		default:
			// The first message left is the one that failed: a pending
			// error (ECONNREFUSED from an earlier datagram) or its own.
			failed := s.slots[0]
			s.slots = s.slots[1:]
			s.out.Drop(1)
			failed.busy = false
			l.shard.addFailure(l.dr.rec, l.key(failed, now), kindOf(err, false))
			l.pause(failed)
		}
	}
	l.watchWrites(s, false)
}

// watchWrites turns EPOLLOUT on s on or off.
func (l *dloop) watchWrites(s *dsock, on bool) {
	if s.writing == on {
		return
	}
	s.writing = on
	ev := poller.Readable
	if on {
		ev |= poller.Writable
	}
	l.p.ModKey(s.fd, ev, int32(s.idx/l.threads))
}

// sent starts the timeouts of the requests that left at now.
func (l *dloop) sent(slots []*dslot, now time.Time) {
	rec := l.dr.rec
	for _, s := range slots {
		s.sent = now
		if l.dr.mode != results.ModeOpen {
			s.due = now
		}
		l.timers.Set(&s.timer, now.Sub(l.t0)+l.timeout)
		if rec.counts(now) {
			l.st.sent++
		}
		if l.dr.mode == results.ModeBatch && l.st.first.IsZero() {
			l.st.first = now
		}
	}
}

// pace sends the requests an open loop's schedule says are due, from
// clients with a free slot in turn; one that finds none is dropped. Then it
// sets the timer for the next.
func (l *dloop) pace() {
	dr := l.dr
	sched, exact := dr.pacer.(Scheduler)
	end := dr.rec.end
	for !l.paced {
		wait, stop := dr.pacer.Pace(l.now.Sub(dr.start), l.n)
		if stop {
			l.paced = true
			break
		}
		if wait > 0 {
			l.arm(wait)
			return
		}
		due := l.now
		if exact {
			if at, ok := sched.Due(l.n); ok {
				due = dr.start.Add(at)
			}
		}
		if !due.Before(end) {
			l.paced = true
			break
		}
		l.n++
		if s := l.free(); s != nil {
			l.send(s, due)
		} else {
			dr.rec.drop(due)
		}
	}
}

// arm sets the schedule's timer to fire after d.
func (l *dloop) arm(d time.Duration) {
	spec := unix.ItimerSpec{Value: unix.NsecToTimespec(max(d, time.Microsecond).Nanoseconds())}
	unix.TimerfdSettime(l.tfd, 0, &spec, nil)
}

// free takes a free slot of the next client that has one.
func (l *dloop) free() *dslot {
	n := len(l.clients)
	for i := range n {
		c := l.clients[(l.rr+i)%n]
		if s := c.take(); s != nil {
			l.rr = (l.rr + i + 1) % n
			return s
		}
	}
	return nil
}

// finish counts the requests in flight at the end as unfinished, and an
// open loop's requests that were due but never reached as dropped.
func (l *dloop) finish() {
	for _, c := range l.clients {
		for i := range c.slots {
			if s := &c.slots[i]; s.busy {
				s.busy = false
				l.shard.addLost(l.dr.rec, 1, ErrOther, l.err == nil, l.now, s.due)
			}
		}
	}
	if l.dr.mode == results.ModeOpen {
		sched, exact := l.dr.pacer.(Scheduler)
		(&pool{rs: &runState{rec: l.dr.rec}}).missed(sched, exact, l.dr.start, l.n)
	}
}
