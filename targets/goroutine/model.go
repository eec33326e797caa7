package goroutine

import (
	"runtime"

	"github.com/corobench/corobench/targets"
)

// Model is the goroutine model's entry in the list of models: goroutines
// on every core.
func Model() targets.Model {
	return targets.Model{
		Name:        "goroutine",
		Summary:     "a goroutine per connection (over UDP, per datagram) on Go's netpoller, on all cores",
		Analogue:    "coroutines on every core, scheduled by the runtime",
		New:         func(c targets.Config) targets.Server { return New(c) },
		NewDatagram: func(c targets.Config) targets.DatagramServer { return NewDatagram(c) },
		GOMAXPROCS:  targets.DefaultProcs,
		Transports:  []targets.Transport{targets.TCP, targets.UDP},
		Chat:        []targets.Transport{targets.TCP, targets.UDP},
		NewChat:     func(c targets.Config) targets.Server { return NewChat(c) },
		NewChatDatagram: func(c targets.Config) targets.DatagramServer {
			return NewChatDatagram(c)
		},
	}
}

// OneThreadModel is the same server under GOMAXPROCS=1: goroutines on one
// thread.
func OneThreadModel() targets.Model {
	m := Model()
	m.Name = "goroutine-1"
	m.Summary = "a goroutine per connection (over UDP, per datagram) on Go's netpoller, under GOMAXPROCS=1"
	m.Analogue = "gevent.spawn with monkey.patch_all(): coroutines on one thread"
	m.GOMAXPROCS = targets.OneProc
	return m
}

// Parallelism implements targets.Server: any number of requests waiting,
// as many computing as there are Ps.
func (s *Server) Parallelism() targets.Parallelism {
	return targets.Parallelism{CPU: runtime.GOMAXPROCS(0)}
}
