package eventloop

import (
	"github.com/corobench/corobench/chat"
	"github.com/corobench/corobench/targets"
)

// ChatServer serves the chat room over TCP on one event loop: one thread
// reads every member's commands as epoll reports them, and a message is
// fanned out by appending its line to each other member's output buffer (a
// bounded chat.Outbox: a full one drops the line). Once every member ready
// at a wait is served, the members whose buffers got lines are written to,
// one write each for all the turn's lines, as far as its socket takes
// without blocking; a member whose socket stays full is watched for
// writability, and kicked when it has taken nothing for the kick bound.
// One thread writes to every member's socket and never waits on any.
type ChatServer struct {
	room *chat.Room
	// onRead, when set (by tests), is called on the loop's thread after
	// each read of a member's commands.
	onRead func()
}

var _ targets.Server = (*ChatServer)(nil)

// NewChat returns a one-loop chat server.
func NewChat(cfg targets.Config) *ChatServer {
	return &ChatServer{room: chat.NewRoom(cfg.Chat)}
}

// Parallelism implements targets.Server: every member served at once, on
// one thread.
func (s *ChatServer) Parallelism() targets.Parallelism { return targets.Parallelism{CPU: 1} }

// ChatDatagramServer serves the chat room over UDP on one event loop: it
// reads a batch of datagrams with recvmmsg, serves each command, and
// queues every line the batch fans out (each copied once, every member's
// datagram pointing at it), then sends them all with sendmmsg. Nothing is
// queued per member: a member that does not read loses datagrams in its
// own socket buffer.
type ChatDatagramServer struct {
	room   *chat.Room
	onRead func() // see ChatServer
}

var _ targets.DatagramServer = (*ChatDatagramServer)(nil)

// NewChatDatagram returns a one-loop UDP chat server.
func NewChatDatagram(cfg targets.Config) *ChatDatagramServer {
	return &ChatDatagramServer{room: chat.NewRoom(cfg.Chat)}
}

// Parallelism implements targets.DatagramServer: one thread.
func (s *ChatDatagramServer) Parallelism() targets.Parallelism { return targets.Parallelism{CPU: 1} }
