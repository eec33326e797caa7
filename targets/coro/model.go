package coro

import "github.com/corobench/corobench/targets"

// Model is the coroutine model's entry in the list of models.
func Model() targets.Model {
	return targets.Model{
		Name:        "coro",
		Summary:     "one OS thread, one epoll loop, each connection (over UDP, each request) an iter.Pull coroutine of sequential code",
		Analogue:    "greenlet on libev: how gevent is built",
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

// Parallelism implements targets.Server: any number of requests waiting,
// one computing.
func (s *Server) Parallelism() targets.Parallelism { return targets.Parallelism{CPU: 1} }
