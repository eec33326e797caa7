package blocking

import (
	"context"
	"net"
	"sync"

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

// ServeChatDatagrams serves the chat room on pc's socket, in blocking mode
// meanwhile (DatagramsOf), until ctx ends: the calling thread reads every
// command, blocking in recvfrom(2), and serves it (targets.ChatSenders);
// each member's sender runs on the thread start gives it, asleep until its
// outbox has lines, then blocking in sendto(2), a datagram each. It returns
// once every sender has ended.
func ServeChatDatagrams(ctx context.Context, pc net.PacketConn, room *chat.Room, start func(func())) error {
	sock, err := DatagramsOf(pc)
	if err != nil {
		return err
	}
	defer sock.Close()
	if err := sock.SetReadTimeout(room.SweepEvery()); err != nil {
		return err
	}
	var senders sync.WaitGroup
	defer senders.Wait()
	live, stop := context.WithCancel(ctx)
	defer stop()
	s := &targets.ChatSenders{Room: room, Send: sock.SendTo, Done: live.Done(), Start: func(send func()) {
		senders.Add(1)
		start(func() {
			defer senders.Done()
			send()
		})
	}}
	defer context.AfterFunc(ctx, sock.Wake)()
	return targets.ReadChatFrom(ctx, room, sock.RecvFrom, s.Handle)
}
