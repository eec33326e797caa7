package thread

import (
	"context"
	"net"
	"runtime"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/internal/blocking"
)

// Serve implements targets.Server: a thread per member.
func (s *ChatServer) Serve(ctx context.Context, ln net.Listener) error {
	late, cancel := targets.AfterGrace(ctx, targets.ChatShutdownGrace)
	defer cancel()
	return serveThreads(ctx, ln, s.max, func(c *blocking.Conn) {
		s.serveMember(ctx, late, c)
	})
}

// serveMember serves one member: its reader on this thread, its writer on
// a thread of its own. When ctx ends the reader is woken; when late ends,
// the socket is shut both ways.
func (s *ChatServer) serveMember(ctx, late context.Context, c *blocking.Conn) {
	defer c.Close()
	if c.SetWriteTimeout(s.room.Options().KickAfter) != nil {
		return
	}
	defer context.AfterFunc(ctx, c.Wake)()
	defer context.AfterFunc(late, c.Abort)()
	m := targets.NewChatMember(s.room, c, c.Reset, nil)
	m.Serve(func(write func()) {
		go func() {
			runtime.LockOSThread() // never unlocked: the thread ends with the writer
			write()
		}()
	})
}
