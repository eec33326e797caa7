package thread

import (
	"context"
	"net"
	"runtime"
	"sync"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/internal/blocking"
)

// Serve implements targets.Server.
func (s *ChatServer) Serve(ctx context.Context, ln net.Listener) error {
	defer targets.CloseOnDone(ctx, ln)()
	late, cancel := targets.AfterGrace(ctx, targets.ChatShutdownGrace)
	defer cancel()
	live := make(chan struct{}, s.max) // a token per live member
	var threads sync.WaitGroup
	defer threads.Wait()
	for {
		select {
		case live <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
		c, err := targets.Accept(ctx, ln)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		bc, err := blocking.FromNet(c)
		if err != nil {
			<-live
			continue // this connection is lost; the server is not
		}
		threads.Go(func() {
			defer func() { <-live }()
			runtime.LockOSThread() // never unlocked: the thread ends with the member
			s.serveMember(ctx, late, bc)
		})
	}
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
