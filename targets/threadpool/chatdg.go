package threadpool

import (
	"runtime"

	"github.com/corobench/corobench/chat"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/internal/blocking"
)

// ChatDatagramServer serves the chat room over UDP on the fixed pool of
// Config.Workers OS threads, each really blocking in the kernel: one is
// the reader, blocking in recvfrom(2), which serves every command and fans
// a message out by putting its line into each other member's outbox
// (bounded: a full one drops it); each member holds another as its sender
// for its whole session, asleep until its outbox has lines, then sending
// them with sendto(2), a datagram each. So the room holds at most one
// member fewer than the pool has threads; a login past that is answered
// ERR full at once, never queued.
type ChatDatagramServer struct {
	room  *chat.Room
	seats int // members at once: a sender thread each
	ready chan struct{}
}

var (
	_ targets.DatagramServer = (*ChatDatagramServer)(nil)
	_ targets.Readier        = (*ChatDatagramServer)(nil)
)

// NewChatDatagram returns a thread-pool UDP chat server of Config.Workers
// threads (at least two), to serve once.
func NewChatDatagram(cfg targets.Config) *ChatDatagramServer {
	seats := max(workers(cfg)-1, 1)
	return &ChatDatagramServer{room: blocking.ChatRoom(cfg.Chat, seats), seats: seats, ready: make(chan struct{})}
}

// Ready implements targets.Readier: it is closed once every thread of the
// pool has been made.
func (s *ChatDatagramServer) Ready() <-chan struct{} { return s.ready }

// Parallelism implements targets.DatagramServer: a member per sender
// thread.
func (s *ChatDatagramServer) Parallelism() targets.Parallelism {
	return targets.Parallelism{Slots: s.seats, CPU: min(s.seats+1, runtime.GOMAXPROCS(0))}
}
