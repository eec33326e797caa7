package thread

import (
	"fmt"
	"runtime"

	"github.com/corobench/corobench/targets"
)

// Model is the thread model's entry in the list of models.
func Model() targets.Model {
	return targets.Model{
		Name:       "thread",
		Summary:    "a new OS thread per connection, blocking system calls; the thread ends with the connection",
		Analogue:   "threading.Thread per connection, Python's ThreadingMixIn",
		Textbook:   targets.TextbookThreads,
		New:        func(c targets.Config) targets.Server { return New(c) },
		GOMAXPROCS: GOMAXPROCS,
		Transports: []targets.Transport{targets.TCP},
		MaxConns:   fmt.Sprintf("threads, default %d", DefaultMaxThreads),
	}
}

// Parallelism implements targets.Server: a request per live thread, as
// many computing as there are Ps.
func (s *Server) Parallelism() targets.Parallelism {
	return targets.Parallelism{Slots: s.max, CPU: runtime.GOMAXPROCS(0)}
}
