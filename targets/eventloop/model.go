package eventloop

import "github.com/corobench/corobench/targets"

// Model is the event-loop model's entry in the list of models.
func Model() targets.Model {
	return targets.Model{
		Name:       "eventloop",
		Summary:    "one OS thread, non-blocking sockets, one epoll loop; CPU work stalls the loop",
		Analogue:   "the textbook's select/poll/epoll server; Redis, Node.js",
		New:        func(c targets.Config) targets.Server { return New(c) },
		GOMAXPROCS: targets.DefaultProcs,
		Transports: []targets.Transport{targets.TCP},
	}
}

// Parallelism implements targets.Server: any number of requests waiting,
// one computing.
func (s *Server) Parallelism() targets.Parallelism { return targets.Parallelism{CPU: 1} }
