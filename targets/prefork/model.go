package prefork

import "github.com/corobench/corobench/targets"

// Model is the prefork model's entry in the list of models.
func Model() targets.Model {
	return targets.Model{
		Name:        "prefork",
		Summary:     "N worker processes made at start, each a loop accepting on the shared listening socket",
		Analogue:    "Apache prefork, Python's multiprocessing.Pool serving a socket",
		New:         func(c targets.Config) targets.Server { return New(c) },
		NewDatagram: func(c targets.Config) targets.DatagramServer { return New(c) },
		GOMAXPROCS:  targets.DefaultProcs,
		Transports:  []targets.Transport{targets.TCP, targets.UDP},
		Workers:     "worker processes, default one per CPU",
		Children:    true,
	}
}

// Parallelism implements targets.Server and targets.DatagramServer: a
// request per worker process.
func (s *Server) Parallelism() targets.Parallelism {
	return targets.Parallelism{Slots: s.workers, CPU: s.workers}
}
