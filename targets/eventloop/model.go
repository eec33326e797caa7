package eventloop

import "github.com/corobench/corobench/targets"

// Model is the event-loop model's entry in the list of models.
func Model() targets.Model {
	return targets.Model{
		Name:        "eventloop",
		Summary:     "one OS thread, non-blocking sockets, one epoll loop (over UDP, recvmmsg and sendmmsg); CPU work stalls the loop",
		Analogue:    "the textbook's select/poll/epoll server; Redis, Node.js",
		New:         func(c targets.Config) targets.Server { return New(c) },
		NewDatagram: func(c targets.Config) targets.DatagramServer { return NewDatagram(c) },
		GOMAXPROCS:  targets.DefaultProcs,
		Transports:  []targets.Transport{targets.TCP, targets.UDP},
	}
}

// Parallelism implements targets.Server: any number of requests waiting,
// one computing.
func (s *Server) Parallelism() targets.Parallelism { return targets.Parallelism{CPU: 1} }
