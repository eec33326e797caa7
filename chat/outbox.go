package chat

import (
	"sync"
	"time"
)

// Delivery is what became of a line handed to a member.
type Delivery uint8

const (
	// Sent: the line is in the member's outbox, or was sent (UDP).
	Sent Delivery = iota
	// Dropped: the outbox was full, or the datagram could not be sent.
	Dropped
	// Kick: dropped, and the member has not read for longer than the kick
	// bound; the room disconnects it.
	Kick
)

// Outbox is a member's bounded queue of lines not yet written to its
// socket. Put never blocks: a line that does not fit is dropped, and once
// lines have been dropped for longer than the kick bound with nothing taken
// out, Put says Kick. A writer (a goroutine, a thread, an event loop) takes
// the whole queue at once and writes it, so a member holds at most twice
// the bound: the queue and the batch being written.
type Outbox struct {
	limit     int
	kickAfter time.Duration
	notify    func()

	mu        sync.Mutex
	buf       []byte
	fullSince time.Time // when a line was first dropped since the last Take
	closed    bool
}

// NewOutbox returns an outbox of at most limit bytes that says Kick once it
// has dropped lines for longer than kickAfter. notify, if not nil, is
// called (with the outbox locked: it must not call back) when the outbox
// goes from empty to not empty.
func NewOutbox(limit int, kickAfter time.Duration, notify func()) *Outbox {
	return &Outbox{limit: limit, kickAfter: kickAfter, notify: notify}
}

// Put adds line to the outbox, or drops it.
func (o *Outbox) Put(line []byte) Delivery {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return Dropped
	}
	if len(o.buf)+len(line) > o.limit {
		now := time.Now()
		if o.fullSince.IsZero() {
			o.fullSince = now
		} else if now.Sub(o.fullSince) > o.kickAfter {
			return Kick
		}
		return Dropped
	}
	empty := len(o.buf) == 0
	o.buf = append(o.buf, line...)
	if empty && o.notify != nil {
		o.notify()
	}
	return Sent
}

// Take returns the queued bytes and empties the outbox, keeping spare (the
// batch the caller has written) as its next buffer. It returns nil when the
// outbox is empty.
func (o *Outbox) Take(spare []byte) []byte {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.fullSince = time.Time{}
	if len(o.buf) == 0 {
		return nil
	}
	b := o.buf
	o.buf = spare[:0]
	return b
}

// Close makes every later Put a drop and frees the queue.
func (o *Outbox) Close() {
	o.mu.Lock()
	o.closed, o.buf = true, nil
	o.mu.Unlock()
}
