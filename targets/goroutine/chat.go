package goroutine

import (
	"context"
	"net"
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

// serveMember serves one member: its reader here, its writer on a
// goroutine of its own.
func (s *ChatServer) serveMember(c net.Conn) {
	kick := s.room.Options().KickAfter
	m := targets.NewChatMember(s.room, c, func() { targets.Abort(c) },
		func() { c.SetWriteDeadline(time.Now().Add(kick)) })
	m.Serve(func(f func()) { go f() })
	c.Close()
}
