package reactors

import (
	"context"
	"net"
	"sync"

	"golang.org/x/sync/errgroup"
	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/targets/internal/evloop"
)

// loop is what the dealer needs of a loop: an HTTP one (eventloop.Loop) or
// a chat one (eventloop.ChatLoop).
type loop interface {
	Open(fd int)
	Wake() error
	OnWake(func())
	OnAccept(func(int))
	Run(ctx context.Context, accept int) error
}

// serveDealt runs each loop on its own OS thread until ctx ends; the first
// accepts on ln for all and deals. When one loop fails, the others stop
// too. release frees the loops if they never run.
func serveDealt[L loop](ctx context.Context, ln net.Listener, loops []L, release func() error) error {
	d := newDealer(loops)
	return evloop.Serve(ctx, ln, func(ctx context.Context, lfd int) error {
		g, gctx := errgroup.WithContext(ctx)
		for i, l := range loops {
			accept := -1
			if i == 0 {
				accept = lfd
			}
			g.Go(func() error {
				defer d.inboxes[i].close()
				return l.Run(gctx, accept)
			})
		}
		return g.Wait()
	}, release)
}

// dealer deals the connections the first loop accepts to the loops in turn,
// the first included: it runs on the first loop's thread.
type dealer struct {
	loops   []loop
	inboxes []*inbox
	turn    int
}

// newDealer makes the first loop deal what it accepts, and each loop take
// what it is dealt when woken.
func newDealer[L loop](list []L) *dealer {
	loops := make([]loop, len(list))
	for i, l := range list {
		loops[i] = l
	}
	d := &dealer{loops: loops}
	for _, l := range loops {
		in := &inbox{loop: l}
		l.OnWake(in.take)
		d.inboxes = append(d.inboxes, in)
	}
	loops[0].OnAccept(d.deal)
	return d
}

// deal gives the connection on fd to the next loop in turn.
func (d *dealer) deal(fd int) {
	i := d.turn % len(d.loops)
	d.turn++
	if i == 0 {
		d.loops[0].Open(fd)
		return
	}
	d.inboxes[i].hand(fd)
}

// inbox is the queue of connections dealt to one loop by another; handing
// one over wakes the loop, which takes it on its own thread.
type inbox struct {
	loop   loop
	mu     sync.Mutex
	fds    []int
	closed bool // the loop's Run has ended: hand closes what it is given
}

// hand gives the loop a connection; it is safe from any goroutine.
func (in *inbox) hand(fd int) {
	in.mu.Lock()
	if in.closed {
		in.mu.Unlock()
		unix.Close(fd)
		return
	}
	in.fds = append(in.fds, fd)
	in.mu.Unlock()
	in.loop.Wake()
}

// take serves, on the loop's thread, what was handed to the loop (a stopping
// loop closes it instead).
func (in *inbox) take() {
	in.mu.Lock()
	fds := in.fds
	in.fds = nil
	in.mu.Unlock()
	for _, fd := range fds {
		in.loop.Open(fd)
	}
}

// close closes what is left once the loop's Run has ended, and what is
// handed later.
func (in *inbox) close() {
	in.mu.Lock()
	in.closed = true
	fds := in.fds
	in.fds = nil
	in.mu.Unlock()
	for _, fd := range fds {
		unix.Close(fd)
	}
}
