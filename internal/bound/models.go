package bound

// ModelInfo is what the harness knows of a model without asking it.
type ModelInfo struct {
	Conns      int // connections the client holds
	GOMAXPROCS int // the target's, from its ready line
	Cores      int // cores the target may run on
	Workers    int // workers it made at start, when it says so; 0: its default
}

// Defaults of the models, from their designs (cmd/corobench/models.go).
const (
	ProcessMaxConns   = 512  // process: children alive at once
	ThreadMaxConns    = 2000 // thread: threads alive at once
	ThreadpoolWorkers = 64   // threadpool: threads made at start
)

// Parallelism is the Model of one of corobench's models, by name; ok is
// false for a name it does not know (an external target: say its
// parallelism in the scenario file).
func Parallelism(model string, i ModelInfo) (m Model, ok bool) {
	procs := max(i.GOMAXPROCS, 1)
	workers := func(def int) int {
		if i.Workers > 0 {
			return i.Workers
		}
		return def
	}
	switch model {
	case "loop":
		return Model{Slots: 1, CPU: 1}, true
	case "eventloop", "coro", "goroutine-1":
		return Model{CPU: 1}, true
	case "goroutine":
		return Model{CPU: procs}, true
	case "reactors":
		return Model{CPU: workers(procs)}, true
	case "thread":
		return Model{Slots: ThreadMaxConns, CPU: procs}, true
	case "threadpool":
		n := workers(ThreadpoolWorkers)
		return Model{Slots: n, CPU: min(n, procs)}, true
	case "process":
		return Model{Slots: ProcessMaxConns}, true
	case "prefork":
		n := workers(max(i.Cores, 1))
		return Model{Slots: n, CPU: n}, true
	}
	return Model{}, false
}
