package reactors

import (
	"github.com/corobench/corobench/chat"
	"github.com/corobench/corobench/targets"
)

// ChatServer serves the chat room over TCP on one event loop per core
// (eventloop.ChatLoop), the members dealt across the loops in turn. A loop
// reads its members' commands and puts each message's line into every
// other member's outbox (bounded, under its lock); a member of another
// loop is handed to that loop, which is woken (eventfd) and writes to it on
// its own thread. So each socket is only ever written by its own loop, and
// no loop waits on another's member.
type ChatServer struct {
	room  *chat.Room
	loops int
}

var _ targets.Server = (*ChatServer)(nil)

// NewChat returns a chat server of cfg.Workers loops, or GOMAXPROCS.
func NewChat(cfg targets.Config) *ChatServer {
	return &ChatServer{room: chat.NewRoom(cfg.Chat), loops: New(cfg).loops}
}

// Parallelism implements targets.Server: every member served at once, a
// loop per core.
func (s *ChatServer) Parallelism() targets.Parallelism { return targets.Parallelism{CPU: s.loops} }

// ChatDatagramServer serves the chat room over UDP on one event loop per
// core (eventloop.ChatDatagramLoop), each on its own OS thread over its own
// socket bound to the same port with SO_REUSEPORT; the room is shared. The
// kernel gives a datagram to a socket by a hash of its source, so each
// member's commands come to one loop, in order. A loop serves the commands
// it reads (recvmmsg) and sends their answers and fan-outs from its own
// socket, every member's datagram in its batch (sendmmsg): no loop hands
// anything to another. Idle members are forgotten as in the other models
// (chat.Room.Sweep, whichever loop comes first).
type ChatDatagramServer struct {
	room   *chat.Room
	loops  int
	onRead func() // when set (by tests), called on a loop's thread after each read
}

var (
	_ targets.DatagramServer = (*ChatDatagramServer)(nil)
	_ targets.PortSharer     = (*ChatDatagramServer)(nil)
)

// NewChatDatagram returns a UDP chat server of cfg.Workers loops, or
// GOMAXPROCS.
func NewChatDatagram(cfg targets.Config) *ChatDatagramServer {
	return &ChatDatagramServer{room: chat.NewRoom(cfg.Chat), loops: New(cfg).loops}
}

// SharesPort implements targets.PortSharer: a socket per loop.
func (s *ChatDatagramServer) SharesPort() {}

// Parallelism implements targets.DatagramServer: a loop per core.
func (s *ChatDatagramServer) Parallelism() targets.Parallelism {
	return targets.Parallelism{CPU: s.loops}
}
