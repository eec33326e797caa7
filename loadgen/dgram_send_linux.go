package loadgen

import (
	"time"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/internal/poller"
	"github.com/corobench/corobench/results"
)

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
