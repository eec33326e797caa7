package poller

import "time"

// Timer is one deadline in a Timers heap. A connection embeds its own, so
// that arming or moving it allocates nothing.
type Timer[T any] struct {
	// Value is what the owner gets back when the timer fires.
	Value T
	when  time.Duration
	index int // 1 + position in the heap; 0 when not scheduled
}

// Scheduled reports whether t is waiting in a heap.
func (t *Timer[T]) Scheduled() bool { return t.index > 0 }

// When is the time t fires, on its heap's clock.
func (t *Timer[T]) When() time.Duration { return t.when }

// Timers is a min-heap of timers on a monotonic clock that starts when the
// heap is made: the earliest timer is on top and sets how long the loop may
// sleep. Set, Stop and Pop are O(log n).
type Timers[T any] struct {
	start time.Time
	heap  []*Timer[T]
}

// NewTimers returns an empty heap whose clock starts now.
func NewTimers[T any]() *Timers[T] {
	return &Timers[T]{start: time.Now()}
}

// Now is the time on the heap's clock.
func (h *Timers[T]) Now() time.Duration { return time.Since(h.start) }

// Len is the number of scheduled timers.
func (h *Timers[T]) Len() int { return len(h.heap) }

// Set schedules t at when, or moves it there if it is already scheduled.
func (h *Timers[T]) Set(t *Timer[T], when time.Duration) {
	if t.index == 0 {
		t.when = when
		h.heap = append(h.heap, t)
		t.index = len(h.heap)
		h.up(t.index - 1)
		return
	}
	old := t.when
	t.when = when
	if when < old {
		h.up(t.index - 1)
	} else {
		h.down(t.index - 1)
	}
}

// Stop unschedules t; stopping an unscheduled timer does nothing.
func (h *Timers[T]) Stop(t *Timer[T]) {
	if t.index == 0 {
		return
	}
	i, last := t.index-1, len(h.heap)-1
	if i != last {
		h.swap(i, last)
	}
	h.heap[last] = nil
	h.heap = h.heap[:last]
	t.index = 0
	if i != last {
		h.down(i)
		h.up(i)
	}
}

// Timeout is how long the loop may sleep at now before the earliest timer
// fires: -1 when none is scheduled (sleep until an event), 0 when one is due.
func (h *Timers[T]) Timeout(now time.Duration) time.Duration {
	if len(h.heap) == 0 {
		return -1
	}
	return max(h.heap[0].when-now, 0)
}

// Pop unschedules and returns the earliest timer if it is due at now.
func (h *Timers[T]) Pop(now time.Duration) (*Timer[T], bool) {
	if len(h.heap) == 0 || h.heap[0].when > now {
		return nil, false
	}
	t := h.heap[0]
	h.Stop(t)
	return t, true
}

func (h *Timers[T]) less(i, j int) bool { return h.heap[i].when < h.heap[j].when }

func (h *Timers[T]) swap(i, j int) {
	h.heap[i], h.heap[j] = h.heap[j], h.heap[i]
	h.heap[i].index = i + 1
	h.heap[j].index = j + 1
}

func (h *Timers[T]) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !h.less(i, parent) {
			return
		}
		h.swap(i, parent)
		i = parent
	}
}

func (h *Timers[T]) down(i int) {
	n := len(h.heap)
	for {
		least, l, r := i, 2*i+1, 2*i+2
		if l < n && h.less(l, least) {
			least = l
		}
		if r < n && h.less(r, least) {
			least = r
		}
		if least == i {
			return
		}
		h.swap(i, least)
		i = least
	}
}
