package thread

import (
	"runtime"

	"github.com/corobench/corobench/chat"
	"github.com/corobench/corobench/targets"
)

// ChatServer serves the chat room over TCP with two OS threads per member,
// each really blocking in the kernel: a reader thread in read(2), which
// parses the member's commands and fans a message out by putting its line
// into every other member's outbox (a bounded queue, under its lock: a
// full one drops the line), and a writer thread asleep until its own
// outbox has lines, then in write(2) on the blocking socket, bounded by
// SO_SNDTIMEO (the kick bound): a write that passes it kicks the member.
// A message so reaches the others' sockets through their writer threads;
// no thread ever writes to another member's socket. The threads end with
// the member; live members are capped (MaxConns, counted in members).
type ChatServer struct {
	room *chat.Room
	max  int
}

var _ targets.Server = (*ChatServer)(nil)

// NewChat returns a thread-per-member chat server.
func NewChat(cfg targets.Config) *ChatServer {
	return &ChatServer{room: chat.NewRoom(cfg.Chat), max: maxThreads(cfg)}
}

// Parallelism implements targets.Server: a member per pair of threads.
func (s *ChatServer) Parallelism() targets.Parallelism {
	return targets.Parallelism{Slots: s.max, CPU: runtime.GOMAXPROCS(0)}
}
