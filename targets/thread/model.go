package thread

import (
	"fmt"
	"runtime"

	"github.com/corobench/corobench/targets"
)

// Model is the thread model's entry in the list of models.
func Model() targets.Model {
	return targets.Model{
		Name:        "thread",
		Summary:     "a new OS thread per connection (over UDP, per datagram), blocking system calls; the thread ends with it",
		Analogue:    "threading.Thread per connection, Python's ThreadingMixIn",
		Textbook:    targets.TextbookThreads,
		New:         func(c targets.Config) targets.Server { return New(c) },
		NewDatagram: func(c targets.Config) targets.DatagramServer { return NewDatagram(c) },
		GOMAXPROCS:  GOMAXPROCS,
		Transports:  []targets.Transport{targets.TCP, targets.UDP},
		MaxConns:    fmt.Sprintf("threads, default %d (chat: members, two threads each over TCP, one over UDP)", DefaultMaxThreads),
		Chat:        []targets.Transport{targets.TCP, targets.UDP},
		NewChat:     func(c targets.Config) targets.Server { return NewChat(c) },
		NewChatDatagram: func(c targets.Config) targets.DatagramServer {
			return NewChatDatagram(c)
		},
	}
}

// Parallelism implements targets.Server: a request per live thread, as
// many computing as there are Ps.
func (s *Server) Parallelism() targets.Parallelism {
	return targets.Parallelism{Slots: s.max, CPU: runtime.GOMAXPROCS(0)}
}
