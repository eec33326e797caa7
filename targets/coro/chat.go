package coro

import (
	"github.com/corobench/corobench/chat"
	"github.com/corobench/corobench/targets"
)

// ChatServer serves the chat room over TCP on the one loop, each member
// served by two coroutines, as gevent would serve it with two greenlets: a
// reader, sequential code that reads the member's commands and, for a
// message, puts the line into every other member's outbox (bounded: a full
// one drops it); and a writer that yields until its own outbox has lines,
// takes them all and writes them, yielding while the socket is full. A
// write that waits longer than the kick bound kicks the member; so does an
// outbox that stays full. The writer watches a duplicate of the member's
// socket, so each coroutine waits on its own descriptor: a member holds
// two. Both coroutines run on the loop's thread, which never waits on any
// member.
type ChatServer struct {
	room *chat.Room
	// onRead, when set (by tests), is called inside a member's reader with
	// every chunk it reads, and the loop's thread id.
	onRead func(loopTID int, b []byte)
}

var _ targets.Server = (*ChatServer)(nil)

// NewChat returns a coroutine-per-member chat server.
func NewChat(cfg targets.Config) *ChatServer {
	return &ChatServer{room: chat.NewRoom(cfg.Chat)}
}

// Parallelism implements targets.Server: every member served at once, on
// one thread.
func (s *ChatServer) Parallelism() targets.Parallelism { return targets.Parallelism{CPU: 1} }
