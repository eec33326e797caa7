package threadpool

import (
	"fmt"
	"runtime"

	"github.com/corobench/corobench/targets"
)

// Model is the thread-pool model's entry in the list of models.
func Model() targets.Model {
	return targets.Model{
		Name:        "threadpool",
		Summary:     "N OS threads made at start, taking connections (over UDP, datagrams) from a queue",
		Analogue:    "a pool of threads (Java's ThreadPoolExecutor, a C server's pthreads)",
		New:         func(c targets.Config) targets.Server { return New(c) },
		NewDatagram: func(c targets.Config) targets.DatagramServer { return NewDatagram(c) },
		GOMAXPROCS:  GOMAXPROCS,
		Transports:  []targets.Transport{targets.TCP, targets.UDP},
		Workers:     fmt.Sprintf("threads, default %d (chat: two per member over TCP; over UDP, one per member and the reader)", DefaultWorkers),
		Chat:        []targets.Transport{targets.TCP, targets.UDP},
		NewChat:     func(c targets.Config) targets.Server { return NewChat(c) },
		NewChatDatagram: func(c targets.Config) targets.DatagramServer {
			return NewChatDatagram(c)
		},
	}
}

// Parallelism implements targets.Server: a request per thread, as many
// computing as there are threads and Ps.
func (s *Server) Parallelism() targets.Parallelism {
	return targets.Parallelism{Slots: s.workers, CPU: min(s.workers, runtime.GOMAXPROCS(0))}
}
