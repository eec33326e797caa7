package eventloop

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/internal/poller"
	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
)

// Sizes of a loop's buffers. Reads land in the loop's one read buffer and
// answers are built in its one write buffer; a connection borrows a pooled
// buffer only for bytes left over.
const (
	readBufferSize = 64 << 10
	connBufferSize = 4 << 10
	keptBuffers    = 1024
)

// Back-off of a loop that cannot accept (out of descriptors), as
// targets.Accept does for the blocking models.
const (
	acceptPauseFirst = 5 * time.Millisecond
	acceptPauseMax   = time.Second
)

// Loop is one epoll loop that serves its connections on the one OS thread
// that runs it. Only Run, and the peers that hand it connections, touch it.
type Loop struct {
	app    *targets.App
	p      *poller.Poller
	timers *poller.Timers[*conn]
	bufs   *poller.Buffers
	conns  []*conn // by file descriptor
	live   int
	rbuf   []byte
	wbuf   []byte
	now    time.Duration // the timers' clock, read when an event is handled

	stopping bool
	fatal    error

	lfd        int     // the listening socket, or -1
	peers      []*Loop // the loops accepted connections are dealt to, in turn
	turn       int
	acceptWait poller.Timer[*conn] // a pause in accepting; Value is nil
	pause      time.Duration

	mu     sync.Mutex
	handed []int // connections given by another loop, not yet taken
	closed bool  // Run has ended or is ending: hand closes what it is given

	onRequest func(*protocol.Request)
}

// NewLoop returns a loop serving app. Run runs it; it cannot be run twice.
func NewLoop(app *targets.App) (*Loop, error) {
	p, err := poller.New()
	if err != nil {
		return nil, fmt.Errorf("eventloop: %w", err)
	}
	return &Loop{
		app:    app,
		p:      p,
		timers: poller.NewTimers[*conn](),
		bufs:   poller.NewBuffers(connBufferSize, keptBuffers),
		rbuf:   make([]byte, readBufferSize),
		wbuf:   make([]byte, 0, readBufferSize),
		lfd:    -1,
	}, nil
}

// Run locks the calling goroutine to its OS thread and serves until ctx
// ends and the last in-flight request is answered. When lfd is a listening
// socket (else -1), Run accepts on it, drained to EAGAIN at each wake-up,
// deals the connections to peers in turn (nil: keeps them all) and closes
// lfd when ctx ends. Run closes the loop's descriptors before it returns.
func (l *Loop) Run(ctx context.Context, lfd int, peers []*Loop) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	defer l.shutdown()
	l.lfd, l.peers = lfd, peers
	if lfd >= 0 {
		if err := l.p.Add(lfd, poller.Readable); err != nil {
			unix.Close(lfd)
			l.lfd = -1
			return fmt.Errorf("eventloop: %w", err)
		}
	}
	defer context.AfterFunc(ctx, func() { l.p.Wake() })()
	for {
		if !l.stopping && ctx.Err() != nil {
			l.stop()
		}
		if l.fatal != nil {
			return l.fatal
		}
		if l.stopping && l.live == 0 {
			return nil
		}
		woken, err := l.p.Wait(l.timers.Timeout(l.timers.Now()), l.event)
		if err != nil {
			return fmt.Errorf("eventloop: %w", err)
		}
		if woken {
			l.takeHanded()
		}
		l.fire()
	}
}

// event handles one ready descriptor.
func (l *Loop) event(fd int, ev uint32) {
	l.now = l.timers.Now()
	if fd == l.lfd {
		l.accept()
		return
	}
	if fd >= len(l.conns) || l.conns[fd] == nil {
		return
	}
	l.ready(l.conns[fd], ev)
}

// fire runs the timers that are due.
func (l *Loop) fire() {
	l.now = l.timers.Now()
	for {
		t, ok := l.timers.Pop(l.now)
		if !ok {
			return
		}
		if t.Value == nil { // the accept pause is over
			if l.lfd >= 0 {
				l.p.Mod(l.lfd, poller.Readable)
			}
			continue
		}
		l.expire(t.Value)
	}
}

// accept takes every waiting connection and deals them out.
func (l *Loop) accept() {
	for {
		fd, err := poller.Accept(l.lfd)
		switch {
		case err == unix.EAGAIN:
			l.pause = 0
			return
		case err != nil && poller.Retryable(err):
			// Out of descriptors: stop listening for a while rather than spin.
			l.pause = min(max(2*l.pause, acceptPauseFirst), acceptPauseMax)
			l.p.Mod(l.lfd, 0)
			l.timers.Set(&l.acceptWait, l.now+l.pause)
			return
		case err != nil:
			l.fatal = fmt.Errorf("eventloop: accept: %w", err)
			return
		}
		peer := l
		if len(l.peers) > 0 {
			peer = l.peers[l.turn%len(l.peers)]
			l.turn++
		}
		if peer == l {
			l.add(fd)
		} else {
			peer.hand(fd)
		}
	}
}

// hand gives the loop a connection accepted by another loop; it is safe from
// any goroutine. The loop takes it when the poller wakes.
func (l *Loop) hand(fd int) {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		unix.Close(fd)
		return
	}
	l.handed = append(l.handed, fd)
	l.mu.Unlock()
	l.p.Wake()
}

func (l *Loop) takeHanded() {
	l.mu.Lock()
	handed := l.handed
	l.handed = nil
	l.mu.Unlock()
	l.now = l.timers.Now()
	for _, fd := range handed {
		l.add(fd)
	}
}

// stop stops accepting and closes every connection with no request in
// flight; the others close as soon as they are answered.
func (l *Loop) stop() {
	l.stopping = true
	if l.lfd >= 0 {
		l.p.Del(l.lfd)
		unix.Close(l.lfd)
		l.lfd = -1
		l.timers.Stop(&l.acceptWait)
	}
	l.closeHanded()
	l.now = l.timers.Now()
	for _, c := range l.conns {
		if c != nil {
			l.settle(c)
		}
	}
}

func (l *Loop) closeHanded() {
	l.mu.Lock()
	l.closed = true
	handed := l.handed
	l.handed = nil
	l.mu.Unlock()
	for _, fd := range handed {
		unix.Close(fd)
	}
}

// shutdown releases everything Run still holds.
func (l *Loop) shutdown() {
	if l.lfd >= 0 {
		unix.Close(l.lfd)
		l.lfd = -1
	}
	l.closeHanded()
	for _, c := range l.conns {
		if c != nil {
			l.close(c)
		}
	}
	l.p.Close()
}

// OnRequest sets a function the loop calls on its thread before it answers
// each request, for tests and tracing. Call it before Run.
func (l *Loop) OnRequest(f func(*protocol.Request)) { l.onRequest = f }

// Close releases a loop that will not Run; Run releases its own.
func (l *Loop) Close() error { return l.p.Close() }
