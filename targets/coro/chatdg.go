package coro

import (
	"github.com/corobench/corobench/chat"
	"github.com/corobench/corobench/targets"
)

// ChatDatagramServer serves the chat room over UDP on the one loop thread,
// in coroutines, as gevent would with greenlets. A reader coroutine reads
// the socket a datagram at a time (recvmsg), yielding when it would block,
// and serves each command; a message's line goes into each other member's
// outbox (bounded: a full one drops it, counted). Each member, from login
// to quit, idle-forget or kick, has a sender coroutine that yields until
// its outbox has lines, then sends them a datagram each (sendto), yielding
// while the socket would block; a datagram the socket refuses is dropped,
// counted. The sender waits on a duplicate of the server's socket: a
// member holds one descriptor. Before it logs in, a peer's answers are
// sent at once, by the reader.
type ChatDatagramServer struct {
	room *chat.Room
	// onRead and onSend, when set (by tests), are called on the loop with
	// every datagram the reader reads, or a sender sends, and the loop's
	// thread id.
	onRead, onSend func(loopTID int, b []byte)
}

var _ targets.DatagramServer = (*ChatDatagramServer)(nil)

// NewChatDatagram returns a coroutine-per-member UDP chat server.
func NewChatDatagram(cfg targets.Config) *ChatDatagramServer {
	return &ChatDatagramServer{room: chat.NewRoom(cfg.Chat)}
}

// Parallelism implements targets.DatagramServer: every member served at
// once, on one thread.
func (s *ChatDatagramServer) Parallelism() targets.Parallelism { return targets.Parallelism{CPU: 1} }
