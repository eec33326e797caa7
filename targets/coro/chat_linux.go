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

// member is a chat member: its reader's connection, and its writer.
type member struct {
	writer
	peer chat.Peer
	room *chat.Room
	r    *conn
}

// serveMember is the member's reader coroutine: it starts the writer, reads
// commands until the member quits or goes, then lets the writer finish.
func (s *ChatServer) serveMember(l *loop, c *conn, rbuf []byte) {
	m := &member{room: s.room, r: c}
	m.peer.Link = m
	if m.start(l, c.fd, s.room.Options(), m.write) != nil {
		return
	}
	targets.ReadChatCommands(s.room, &m.peer, c, rbuf)
	s.room.Leave(&m.peer)
	m.end()
	l.Del(c.fd) // the duplicate keeps the socket open: end this watch before the close
}

// write writes a batch of the member's lines; a write that waits past the
// kick bound kicks the member, and any failed write ends it.
func (m *member) write(b []byte) bool {
	if _, err := m.w.Write(b); err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			m.room.Kick(&m.peer)
		}
		m.abort()
		return false
	}
	return true
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
