package poller

import (
	"fmt"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Waker is an eventfd that other goroutines write to wake a loop sleeping
// in a readiness call (epoll, poll, select) that watches it for Readable.
type Waker struct {
	fd  int
	buf [8]byte
	// mu orders Wake and Close: a Wake after the Close would write into
	// whatever file reused the eventfd's number.
	mu     sync.Mutex
	closed bool
}

// NewWaker returns a waker; Close releases it.
func NewWaker() (*Waker, error) {
	fd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("poller: eventfd: %w", err)
	}
	return &Waker{fd: fd}, nil
}

// FD is the descriptor to watch for Readable.
func (w *Waker) FD() int { return w.fd }

// Wake makes the descriptor readable until Take. It is safe from any
// goroutine, even after Close (it then does nothing).
func (w *Waker) Wake() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	one := [8]byte{1}
	_, err := unix.Write(w.fd, one[:])
	if err != nil && err != unix.EAGAIN { // EAGAIN: already woken
		return fmt.Errorf("poller: wake: %w", err)
	}
	return nil
}

// Take consumes the wakes so far, on the loop's thread.
func (w *Waker) Take() { unix.Read(w.fd, w.buf[:]) }

// Close closes the eventfd.
func (w *Waker) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closed = true
	return unix.Close(w.fd)
}

// Millis is a readiness call's timeout in milliseconds: -1 (none) for a
// negative timeout, else rounded up, so that a loop never wakes early and
// spins, and an hour at most (the calls take an int; a loop asks again).
func Millis(timeout time.Duration) int {
	if timeout < 0 {
		return -1
	}
	return int(min((timeout+time.Millisecond-1)/time.Millisecond, time.Hour/time.Millisecond))
}
