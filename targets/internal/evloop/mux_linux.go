package evloop

import (
	"time"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/internal/poller"
)

// Multiplexer is the readiness call a loop waits in: epoll
// (*poller.Poller) today. A model picks one and gives it to New; the loop and
// the handlers watch their descriptors through it and nothing else, so a
// select(2), poll(2) or edge-triggered epoll model differs from its epoll
// twin by this value only. Only the loop's thread calls it, but Wake.
//
// Closing a watched descriptor ends its watch, as it does for epoll; a
// multiplexer that keeps its own set of descriptors (select's bitmaps,
// poll's array) is also a Forgetter, told by the loop's Forget.
type Multiplexer interface {
	// Add watches fd for events, Mod changes what fd is watched for (0:
	// nothing but Hangup), Del stops watching fd, which stays open.
	Add(fd int, events uint32) error
	Mod(fd int, events uint32) error
	Del(fd int) error
	// Wait sleeps until a watched descriptor is ready, Wake is called or
	// timeout passes (negative: no timeout), then calls ready for each ready
	// descriptor. It reports whether Wake was called.
	Wait(timeout time.Duration, ready func(fd int, events uint32)) (woken bool, err error)
	// Wake makes a Wait in progress, or the next one, return; it is safe
	// from any goroutine, even after Close.
	Wake() error
	Close() error
}

var _ Multiplexer = (*poller.Poller)(nil)

// Forgetter is a Multiplexer that keeps its own set of descriptors: Forget
// drops fd, which was closed, from it (as Del does, for a descriptor that
// stays open). The loop calls it from Loop.Forget, before fd's number can
// be reused.
type Forgetter interface {
	Forget(fd int)
}

// The events a Multiplexer watches for and reports: epoll's bits, onto which
// another multiplexer maps its own.
const (
	Readable = poller.Readable
	Writable = poller.Writable
	// Hangup is reported, never asked for: the peer hung up or the socket
	// failed.
	Hangup = unix.EPOLLHUP | unix.EPOLLERR
)
