package process

import (
	"fmt"

	"github.com/corobench/corobench/targets"
)

// Model is the process model's entry in the list of models.
func Model() targets.Model {
	return targets.Model{
		Name:        "process",
		Summary:     "a new OS process per connection (over UDP, per datagram: a small child program started, the socket inherited); every child reaped",
		Analogue:    "os.fork per connection, Python's ForkingMixIn",
		Textbook:    targets.TextbookProcesses,
		New:         func(c targets.Config) targets.Server { return New(c) },
		NewDatagram: func(c targets.Config) targets.DatagramServer { return NewDatagram(c) },
		GOMAXPROCS:  targets.DefaultProcs,
		Transports:  []targets.Transport{targets.TCP, targets.UDP},
		MaxConns:    fmt.Sprintf("child processes, default %d", DefaultMaxChildren),
		Children:    true,
	}
}

// Parallelism implements targets.Server: a request per live child, each
// computing on a core of its own.
func (s *Server) Parallelism() targets.Parallelism { return targets.Parallelism{Slots: s.max} }
