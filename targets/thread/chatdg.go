package thread

import (
	"runtime"

	"github.com/corobench/corobench/chat"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/internal/blocking"
)

// ChatDatagramServer serves the chat room over UDP with an OS thread per
// member, each really blocking in the kernel, and one more that reads:
// that thread blocks in recvfrom(2) on the socket and serves every
// command, fanning a message out by putting its line into each other
// member's outbox (bounded: a full one drops it). Each member's thread,
// made at its login and ended when it quits, is forgotten or is kicked,
// sleeps until its outbox has lines and sends them with sendto(2), a
// datagram each. Members are capped (MaxConns): a login past the cap is
// answered ERR full.
type ChatDatagramServer struct {
	room *chat.Room
	max  int
}

var _ targets.DatagramServer = (*ChatDatagramServer)(nil)

// NewChatDatagram returns a thread-per-member UDP chat server.
func NewChatDatagram(cfg targets.Config) *ChatDatagramServer {
	n := maxThreads(cfg)
	return &ChatDatagramServer{room: blocking.ChatRoom(cfg.Chat, n), max: n}
}

// Parallelism implements targets.DatagramServer: a member per thread.
func (s *ChatDatagramServer) Parallelism() targets.Parallelism {
	return targets.Parallelism{Slots: s.max, CPU: runtime.GOMAXPROCS(0)}
}
