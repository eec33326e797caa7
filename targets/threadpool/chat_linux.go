package threadpool

import (
	"context"
	"net"
	"sync"
	"time"

	"github.com/corobench/corobench/chat"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/internal/blocking"
)

// Serve implements targets.Server.
func (s *ChatServer) Serve(ctx context.Context, ln net.Listener) error {
	defer targets.CloseOnDone(ctx, ln)()
	late, cancel := targets.AfterGrace(ctx, targets.ChatShutdownGrace)
	defer cancel()
	// The seats let in no more members than the pool has pairs of
	// threads: a member's reader and writer never wait for a thread, nor a
	// send on the pool's jobs for room.
	p := newPool(2 * s.seats)
	defer p.close()
	var members sync.WaitGroup
	defer members.Wait()
	close(s.ready)
	seats := make(chan struct{}, s.seats)
	for {
		c, err := targets.Accept(ctx, ln)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		select {
		case seats <- struct{}{}:
		default:
			refuse(c)
			continue
		}
		bc, err := blocking.FromNet(c)
		if err != nil {
			<-seats
			continue // this connection is lost; the server is not
		}
		members.Add(1)
		p.jobs <- func() {
			defer members.Done()
			defer func() { <-seats }()
			blocking.ServeChatMember(ctx, late, s.room, bc, func(write func()) { p.jobs <- write })
		}
	}
}

// refuse answers a connection no pair of threads is free for: ERR full,
// and the connection closed. The fresh socket's buffer takes the line at
// once; the deadline bounds the write all the same.
func refuse(c net.Conn) {
	c.SetWriteDeadline(time.Now().Add(time.Second))
	c.Write(chat.AppendErr(nil, "full", nil))
	c.Close()
}
