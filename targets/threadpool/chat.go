package threadpool

import (
	"runtime"

	"github.com/corobench/corobench/chat"
	"github.com/corobench/corobench/targets"
)

// ChatServer serves the chat room over TCP on the fixed pool of OS threads:
// a member holds two of them for its whole session, as the thread model
// spends two threads it makes for it — a reader blocking in read(2), which
// fans a message out into the other members' outboxes (bounded: a full one
// drops the line), and a writer asleep until its own outbox has lines, then
// blocking in write(2) bounded by SO_SNDTIMEO (the kick bound). So the room
// holds at most half the pool's threads in members. A connection that
// comes when every pair of threads is taken is not queued (a member queued
// behind a long session would wait in silence): it is answered ERR full at
// once, as a login past -chat-max-members is, and closed.
type ChatServer struct {
	room  *chat.Room
	seats int // members served at once: a pair of threads each
	ready chan struct{}
}

var (
	_ targets.Server  = (*ChatServer)(nil)
	_ targets.Readier = (*ChatServer)(nil)
)

// NewChat returns a thread-pool chat server of Config.Workers threads (at
// least two), to Serve once.
func NewChat(cfg targets.Config) *ChatServer {
	return &ChatServer{room: chat.NewRoom(cfg.Chat), seats: max(workers(cfg)/2, 1), ready: make(chan struct{})}
}

// Ready implements targets.Readier: it is closed once every thread of the
// pool has been made.
func (s *ChatServer) Ready() <-chan struct{} { return s.ready }

// Parallelism implements targets.Server: a member per pair of threads.
func (s *ChatServer) Parallelism() targets.Parallelism {
	return targets.Parallelism{Slots: s.seats, CPU: min(2*s.seats, runtime.GOMAXPROCS(0))}
}
