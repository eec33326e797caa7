package loop

import "github.com/corobench/corobench/targets"

// Model is the loop model's entry in the list of models.
func Model() targets.Model {
	return targets.Model{
		Name:        "loop",
		Summary:     "accept one connection, serve it until it closes, then the next; over UDP, one datagram at a time",
		Analogue:    "the textbook's loop server (循环服务器)",
		Textbook:    targets.TextbookSequential,
		New:         func(c targets.Config) targets.Server { return New(c) },
		NewDatagram: func(c targets.Config) targets.DatagramServer { return NewDatagram(c) },
		GOMAXPROCS:  targets.DefaultProcs,
		Transports:  []targets.Transport{targets.TCP, targets.UDP},
		Chat:        []targets.Transport{targets.UDP},
		NewChatDatagram: func(c targets.Config) targets.DatagramServer {
			return NewChatDatagram(c)
		},
	}
}

// Parallelism implements targets.Server: one request at a time.
func (s *Server) Parallelism() targets.Parallelism { return targets.Parallelism{Slots: 1, CPU: 1} }
