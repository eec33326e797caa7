package eventloop

import (
	"context"
	"fmt"
	"net"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/chat"
	"github.com/corobench/corobench/internal/poller"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/internal/evloop"
)

// chatReadSize is the loop's one read buffer: a member's read takes at most
// this much in a turn, so one member cannot hold the loop.
const chatReadSize = 16 << 10

// ChatLoop is one chat event loop, with the room's state it keeps: its
// read buffer and the members whose outboxes got lines since they were last
// written. Several loops may share a room (reactors): then a loop that fans
// out to a member of another hands it to that loop (shared), which writes
// it when woken.
type ChatLoop struct {
	*evloop.Loop[*chatConn]
	room   *chat.Room
	rbuf   []byte
	dirty  []*chatConn
	onRead func()
	shared *handover // nil: the only loop of its room
	onWake func()
}

// handover is the members other loops gave a loop to write (or to kick),
// and the loop's own thread takes them when woken.
type handover struct {
	mu    sync.Mutex
	conns []*chatConn
}

// NewChatLoop returns a chat loop on epoll serving room; shared says that
// other loops serve the same room. Run runs it.
func NewChatLoop(room *chat.Room, shared bool) (*ChatLoop, error) {
	mux, err := poller.New()
	if err != nil {
		return nil, fmt.Errorf("eventloop: %w", err)
	}
	l := &ChatLoop{room: room, rbuf: make([]byte, chatReadSize)}
	l.Loop = evloop.New(mux, targets.ChatShutdownGrace, evloop.Handler[*chatConn]{
		Open: l.open, Ready: l.ready, Expire: l.expire, Resume: func(*chatConn) {},
		Stop: func(c *chatConn) { c.quit = true; l.flush(c) }, Close: func(c *chatConn) { l.close(c, false) },
		Turned: l.flushDirty,
	})
	if shared {
		l.shared = &handover{}
		l.Loop.OnWake(l.woken)
	}
	return l, nil
}

// OnWake makes the loop call f, on its thread, each time Wake woke it,
// besides taking what other loops handed it.
func (l *ChatLoop) OnWake(f func()) { l.onWake = f }

// hand gives c to its loop to write or kick, from any thread.
func (l *ChatLoop) hand(c *chatConn) {
	if !c.handed.CompareAndSwap(false, true) {
		return
	}
	l.shared.mu.Lock()
	first := len(l.shared.conns) == 0
	l.shared.conns = append(l.shared.conns, c)
	l.shared.mu.Unlock()
	if first {
		l.Wake()
	}
}

// woken takes, on the loop's thread, the members other loops handed it.
func (l *ChatLoop) woken() {
	if l.onWake != nil {
		l.onWake()
	}
	l.shared.mu.Lock()
	conns := l.shared.conns
	l.shared.conns = nil
	l.shared.mu.Unlock()
	for _, c := range conns {
		c.handed.Store(false)
		switch {
		case c.closed:
		case c.kick.Load():
			l.close(c, true)
		default:
			l.flush(c)
		}
	}
}

// chatConn is one member on the loop.
type chatConn struct {
	l       *ChatLoop
	fd      int
	peer    chat.Peer
	out     *chat.Outbox
	lines   chat.Lines
	pending []byte // taken from the outbox, not yet written
	spare   []byte
	dirty   bool // in the loop's dirty list
	waiting bool // watched for writability: the socket took less than offered
	quit    bool // it said Q: close once its answer is written
	closed  bool
	stall   poller.Timer[*chatConn] // the kick bound of a socket that takes nothing
	// handed and kick are set by other loops (reactors): c is in its
	// loop's handover; the room kicked it.
	handed, kick atomic.Bool
}

// Serve implements targets.Server.
func (s *ChatServer) Serve(ctx context.Context, ln net.Listener) error {
	l, err := NewChatLoop(s.room, false)
	if err != nil {
		ln.Close()
		return err
	}
	l.onRead = s.onRead
	return evloop.Serve(ctx, ln, l.Run, l.Close)
}

func (l *ChatLoop) open(fd int) {
	c := &chatConn{l: l, fd: fd}
	c.stall.Value = c
	opts := l.room.Options()
	c.out = chat.NewOutbox(opts.OutboxBytes, opts.KickAfter, func() {
		if l.shared != nil {
			l.hand(c)
			return
		}
		if !c.dirty {
			c.dirty = true
			l.dirty = append(l.dirty, c)
		}
	})
	c.peer.Link = c
	l.Put(fd, c)
}

// Send implements chat.Link: into the outbox; the loop writes it after
// the command that sent it.
func (c *chatConn) Send(_ *chat.Peer, line []byte) chat.Delivery { return c.out.Put(line) }

// Close implements chat.Link: a kicked member is closed with a reset, by
// its own loop.
func (c *chatConn) Close(*chat.Peer) {
	if c.l.shared != nil {
		c.kick.Store(true)
		c.l.hand(c)
		return
	}
	c.l.close(c, true)
}

// ready reads what the member sent (one buffer's worth a turn) and serves
// its commands. The members that got lines are written to once the turn's
// every ready member is served (flushDirty): one write a member a turn,
// whatever the number of messages fanned out to it in the turn.
func (l *ChatLoop) ready(c *chatConn, events uint32) {
	if events&evloop.Writable != 0 {
		l.flush(c)
	}
	if c.closed || c.quit || events&^evloop.Writable == 0 {
		return
	}
	n, err := poller.Read(c.fd, l.rbuf)
	if err == unix.EAGAIN {
		return
	}
	if l.onRead != nil {
		l.onRead()
	}
	for in := l.rbuf[:max(n, 0)]; !c.closed; {
		line, rest, bad, ok := c.lines.Next(in)
		if !ok {
			break
		}
		in = rest
		if bad != nil {
			l.room.Refuse(&c.peer, bad)
		} else if l.room.Handle(&c.peer, line) {
			c.quit = true
			break
		}
	}
	if n <= 0 && !c.closed { // the member closed or reset its side
		l.close(c, false)
	}
}

// flushDirty writes to every member whose outbox got lines, at the end of
// the loop's turn.
func (l *ChatLoop) flushDirty() {
	for i, c := range l.dirty {
		l.dirty[i] = nil
		c.dirty = false
		if !c.closed {
			l.flush(c)
		}
	}
	l.dirty = l.dirty[:0]
}

// flush writes what c has queued, as far as its socket takes it.
func (l *ChatLoop) flush(c *chatConn) {
	for !c.closed {
		if len(c.pending) == 0 {
			if c.pending = c.out.Take(c.spare); c.pending == nil {
				break
			}
			c.spare = nil
		}
		n, err := poller.Write(c.fd, c.pending)
		if err == unix.EAGAIN {
			l.wait(c)
			return
		}
		if err != nil {
			l.close(c, false)
			return
		}
		if c.pending = c.pending[n:]; len(c.pending) == 0 {
			c.spare = c.pending[:0:cap(c.pending)]
		}
		l.Timers().Stop(&c.stall)
	}
	if c.waiting && !c.closed {
		c.waiting = false
		l.Mod(c.fd, evloop.Readable)
	}
	if c.quit && !c.closed {
		l.close(c, false)
	}
}

// wait watches c for writability, and starts its kick bound.
func (l *ChatLoop) wait(c *chatConn) {
	if !c.waiting {
		c.waiting = true
		l.Mod(c.fd, evloop.Readable|evloop.Writable)
	}
	if !c.stall.Scheduled() {
		l.Timers().Set(&c.stall, l.Tick()+l.room.Options().KickAfter)
	}
}

// expire kicks a member whose socket took nothing for the kick bound.
func (l *ChatLoop) expire(c *chatConn) {
	if !c.closed {
		l.room.Kick(&c.peer)
	}
}

// close closes c's socket, with a reset when it is kicked, and takes it out
// of the room and the loop.
func (l *ChatLoop) close(c *chatConn, reset bool) {
	if c.closed {
		return
	}
	c.closed = true
	l.room.Leave(&c.peer)
	c.out.Close()
	l.Timers().Stop(&c.stall)
	if reset {
		unix.SetsockoptLinger(c.fd, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1})
	}
	l.Del(c.fd)
	unix.Close(c.fd)
	l.Forget(c.fd)
}
