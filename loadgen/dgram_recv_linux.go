package loadgen

import (
	"time"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/results"
)

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
