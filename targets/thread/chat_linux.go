package thread

import (
	"context"
	"net"
	"runtime"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/internal/blocking"
)

// Serve implements targets.Server: a thread per member to read its
// commands, and one to write its outbox.
func (s *ChatServer) Serve(ctx context.Context, ln net.Listener) error {
	late, cancel := targets.AfterGrace(ctx, targets.ChatShutdownGrace)
	defer cancel()
	return serveThreads(ctx, ln, s.max, func(c *blocking.Conn) {
		blocking.ServeChatMember(ctx, late, s.room, c, func(write func()) {
			go func() {
				runtime.LockOSThread() // never unlocked: the thread ends with the writer
				write()
			}()
		})
	})
}
