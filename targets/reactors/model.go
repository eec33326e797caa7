package reactors

import "github.com/corobench/corobench/targets"

// Model is the reactors model's entry in the list of models.
func Model() targets.Model {
	return targets.Model{
		Name:        "reactors",
		Summary:     "one epoll loop per core, the connections dealt across them in turn; over UDP, a socket per loop (SO_REUSEPORT)",
		Analogue:    "nginx's workers, gnet's sub-reactors",
		New:         func(c targets.Config) targets.Server { return New(c) },
		NewDatagram: func(c targets.Config) targets.DatagramServer { return NewDatagram(c) },
		GOMAXPROCS:  targets.DefaultProcs,
		Transports:  []targets.Transport{targets.TCP, targets.UDP},
		Workers:     "event loops, default GOMAXPROCS",
		Chat:        []targets.Transport{targets.TCP, targets.UDP},
		NewChat:     func(c targets.Config) targets.Server { return NewChat(c) },
		NewChatDatagram: func(c targets.Config) targets.DatagramServer {
			return NewChatDatagram(c)
		},
	}
}

// Parallelism implements targets.Server: any number of requests waiting,
// one computing per loop.
func (s *Server) Parallelism() targets.Parallelism { return targets.Parallelism{CPU: s.loops} }
