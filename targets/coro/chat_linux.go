package coro

import (
	"context"
	"errors"
	"net"
	"os"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/chat"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/internal/evloop"
)

// Serve implements targets.Server: one loop, on this goroutine's OS thread.
func (s *ChatServer) Serve(ctx context.Context, ln net.Listener) error {
	var l *loop
	rbuf := make([]byte, 16<<10) // the loop's one read buffer: readers take turns
	l, err := newLoop(targets.ChatShutdownGrace, s.room.Options().KickAfter, func(c *conn) {
		s.serveMember(l, c, rbuf)
	}, s.onRead)
	if err != nil {
		ln.Close()
		return err
	}
	return evloop.Serve(ctx, ln, l.Run, l.Close)
}

// member is a chat member: its reader's connection, and its writer's on a
// duplicate of the socket.
type member struct {
	peer chat.Peer
	room *chat.Room
	l    *loop
	r, w *conn
	out  *chat.Outbox
	done bool // the reader has ended: the writer sends what is queued and ends
}

// serveMember is the member's reader coroutine: it starts the writer, reads
// commands until the member quits or goes, then lets the writer finish.
func (s *ChatServer) serveMember(l *loop, c *conn, rbuf []byte) {
	dup, err := unix.FcntlInt(uintptr(c.fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return
	}
	if err := l.Watch(dup, 0); err != nil {
		unix.Close(dup)
		return
	}
	opts := s.room.Options()
	m := &member{room: s.room, l: l, r: c}
	m.peer.Link = m
	m.w = l.start(dup, 0, m.write)
	m.w.waitFor = waitLines // not started: its first turn starts it
	m.out = chat.NewOutbox(opts.OutboxBytes, opts.KickAfter, func() { l.Again(m.w) })
	targets.ReadChatCommands(s.room, &m.peer, c, rbuf)
	s.room.Leave(&m.peer)
	m.done = true
	l.Again(m.w)
	l.Del(c.fd) // the duplicate keeps the socket open: end this watch before the close
}

// write is the member's writer coroutine: it writes what the outbox has,
// and yields until it has more.
func (m *member) write(w *conn) {
	defer m.l.Del(w.fd)
	defer m.out.Close()
	var spare []byte
	for {
		b := m.out.Take(spare)
		if b == nil {
			if m.done || !w.park(waitLines) {
				return
			}
			continue
		}
		if _, err := w.Write(b); err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				m.room.Kick(&m.peer)
			}
			m.abort()
			return
		}
		spare = b
	}
}

// Send implements chat.Link: into the outbox, never waiting; the writer
// gets its turn after the command that sent it.
func (m *member) Send(_ *chat.Peer, line []byte) chat.Delivery { return m.out.Put(line) }

// Close implements chat.Link: the member is kicked.
func (m *member) Close(*chat.Peer) { m.abort() }

// abort makes both coroutines' waits fail at their next turn, and the
// socket's close send a reset: what is queued is dropped. Only the writer
// or a fan-out aborts, so the writer's descriptor is still open.
func (m *member) abort() {
	if m.r.aborted {
		return
	}
	unix.SetsockoptLinger(m.w.fd, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1})
	m.r.aborted, m.w.aborted = true, true
	m.l.Again(m.r)
	m.l.Again(m.w)
}
