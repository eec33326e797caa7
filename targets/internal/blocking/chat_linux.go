package blocking

import (
	"context"

	"github.com/corobench/corobench/chat"
	"github.com/corobench/corobench/targets"
)

// ServeChatMember serves one chat member on c (targets.ChatMember): its
// reader on the calling thread, blocking in read(2), and its writer on the
// thread start gives it, blocking in write(2) bounded by SO_SNDTIMEO (the
// kick bound). When ctx ends the reader is woken; when late ends, the
// socket is shut both ways. It closes c.
func ServeChatMember(ctx, late context.Context, room *chat.Room, c *Conn, start func(func())) {
	defer c.Close()
	if c.SetWriteTimeout(room.Options().KickAfter) != nil {
		return
	}
	defer context.AfterFunc(ctx, c.Wake)()
	defer context.AfterFunc(late, c.Abort)()
	targets.NewChatMember(room, c, c.Reset, nil).Serve(start)
}
