package goroutine

import (
	"context"
	"errors"
	"net"
	"os"
	"runtime"
	"time"

	"github.com/corobench/corobench/chat"
	"github.com/corobench/corobench/targets"
)

// ChatServer serves the chat room over TCP with two goroutines per member:
// a reader that parses the member's commands and, for a message, puts the
// line into every other member's outbox (a bounded queue: a full one drops
// it), and a writer that sleeps until its own outbox has lines, takes them
// all and writes them to the socket with a deadline. No goroutine ever
// waits on another member's socket: a member that does not read fills only
// its own outbox, and is kicked when it stays full.
type ChatServer struct {
	room *chat.Room
}

var _ targets.Server = (*ChatServer)(nil)

// NewChat returns a goroutine-per-member chat server.
func NewChat(cfg targets.Config) *ChatServer {
	return &ChatServer{room: chat.NewRoom(cfg.Chat)}
}

// Room is the server's room.
func (s *ChatServer) Room() *chat.Room { return s.room }

// Parallelism implements targets.Server: every member served at once, on
// as many threads as there are Ps.
func (s *ChatServer) Parallelism() targets.Parallelism {
	return targets.Parallelism{CPU: runtime.GOMAXPROCS(0)}
}

// Serve implements targets.Server.
func (s *ChatServer) Serve(ctx context.Context, ln net.Listener) error {
	defer targets.CloseOnDone(ctx, ln)()
	live, stop := targets.NewConnSet(ctx, targets.ChatShutdownGrace)
	defer stop()
	defer live.Wait()
	for {
		c, err := targets.Accept(ctx, ln)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if !live.Add(c) {
			c.Close()
			continue
		}
		go func() {
			defer live.Remove(c)
			s.serveMember(c)
		}()
	}
}

// member is one connection: its peer in the room, its outbox and the
// signal that wakes its writer.
type member struct {
	c    net.Conn
	peer chat.Peer
	out  *chat.Outbox
	wake chan struct{}
}

// Send implements chat.Link: into the outbox, never waiting.
func (m *member) Send(_ *chat.Peer, line []byte) chat.Delivery { return m.out.Put(line) }

// Close implements chat.Link: closing the socket (with a reset: what it
// holds is dropped) ends both goroutines.
func (m *member) Close(*chat.Peer) { targets.Abort(m.c) }

// serveMember reads the member's commands until it quits or its
// connection ends, then lets its writer send what is queued and closes.
func (s *ChatServer) serveMember(c net.Conn) {
	opts := s.room.Options()
	m := &member{c: c, wake: make(chan struct{}, 1)}
	m.out = chat.NewOutbox(opts.OutboxBytes, opts.KickAfter, func() {
		select {
		case m.wake <- struct{}{}:
		default:
		}
	})
	m.peer.Link = m
	done := make(chan struct{})
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		s.write(m, done, opts.KickAfter)
	}()
	s.read(m)
	s.room.Leave(&m.peer)
	close(done)
	<-wrote
	m.out.Close()
	c.Close()
}

// read serves commands until Q, or the connection ends.
func (s *ChatServer) read(m *member) {
	var lines chat.Lines
	buf := make([]byte, 4096)
	for {
		n, err := m.c.Read(buf)
		for in := buf[:n]; ; {
			line, rest, bad, ok := lines.Next(in)
			if !ok {
				break
			}
			in = rest
			if bad != nil {
				s.room.Refuse(&m.peer, bad)
			} else if s.room.Handle(&m.peer, line) {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// write drains the outbox to the socket until done is closed, then sends
// what is left. A write that passes its deadline kicks the member.
func (s *ChatServer) write(m *member, done <-chan struct{}, timeout time.Duration) {
	var spare []byte
	for {
		last := false
		select {
		case <-m.wake:
		case <-done:
			last = true
		}
		if b := m.out.Take(spare); b != nil {
			m.c.SetWriteDeadline(time.Now().Add(timeout))
			if _, err := m.c.Write(b); err != nil {
				if errors.Is(err, os.ErrDeadlineExceeded) {
					s.room.Kick(&m.peer)
				}
				targets.Abort(m.c)
				return
			}
			spare = b
		}
		if last {
			return
		}
	}
}
