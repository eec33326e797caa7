package coro

import (
	"context"
	"fmt"
	"iter"
	"net"
	"time"

	"github.com/corobench/corobench/internal/poller"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/eventloop"
)

// ServeDatagrams implements targets.DatagramServer: one loop, on this
// goroutine's OS thread, over a descriptor of pc's socket of its own.
func (s *DatagramServer) ServeDatagrams(ctx context.Context, pc net.PacketConn) error {
	fd, err := poller.PacketSocketFD(pc)
	if err != nil {
		return fmt.Errorf("coro: %w", err)
	}
	l, err := eventloop.NewDatagramLoop(s.app, fd, s.batch)
	if err != nil {
		return err
	}
	l.OnRequest(s.onRequest)
	l.ServeByTasks(newRequest)
	return l.Run(ctx)
}

// request is one request datagram served by a coroutine.
type request struct {
	d    targets.Datagram
	from poller.RawAddr
	next func() (time.Duration, bool)
	stop func()
}

// newRequest starts the coroutine of d: its code is what a blocking server
// would write, with the sleep a yield to the loop.
func newRequest(l *eventloop.DatagramLoop, d *targets.Datagram, from *poller.RawAddr) eventloop.Task {
	r := &request{d: *d, from: *from}
	r.next, r.stop = iter.Pull(func(yield func(time.Duration) bool) {
		if w := r.d.Wait(); w > 0 && !yield(w) {
			return
		}
		l.Answer(&r.d, &r.from)
	})
	return r
}

// Resume implements eventloop.Task: it switches to the coroutine until it
// sleeps or ends.
func (r *request) Resume() (time.Duration, bool) {
	w, more := r.next()
	if !more {
		r.stop()
	}
	return w, more
}
