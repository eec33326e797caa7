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
