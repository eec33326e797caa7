package results

// Resources is what a target's whole process tree used during the measured
// part of a run, sampled from /proc.
type Resources struct {
	// User and Sys are CPU seconds, reaped children included.
	User float64 `json:"user_s"`
	Sys  float64 `json:"sys_s"`
	// PeakRSS and PeakPSS are bytes. PSS divides shared pages among the
	// processes sharing them, so forked children are not counted many times.
	PeakRSS int64 `json:"peak_rss"`
	PeakPSS int64 `json:"peak_pss"`
	// MaxThreads and MaxProcesses are the most seen at once.
	MaxThreads   int `json:"max_threads"`
	MaxProcesses int `json:"max_processes"`
	MaxFDs       int `json:"max_fds"`
	// Voluntary and Involuntary are context switches.
	Voluntary   int64 `json:"ctxsw_voluntary"`
	Involuntary int64 `json:"ctxsw_involuntary"`
	// Waited is seconds the threads were runnable but waiting for a CPU
	// (the kernel's run-queue wait, schedstat): with the target pinned,
	// the CPU its core's other work took from it.
	Waited  float64 `json:"runqueue_wait_s,omitempty"`
	Samples int     `json:"samples"`
}

// CPUPerRequest is the target's CPU time per answered request, in µs.
func (r *Resources) CPUPerRequest(requests int64) float64 {
	if r == nil || requests == 0 {
		return 0
	}
	return (r.User + r.Sys) * 1e6 / float64(requests)
}

// Bound is the throughput physics allows a model under a load: with C
// connections, service time S of CPU and W of waiting, on K cores, a model of
// parallelism P can do at most min(C, P, K)/S requests per second of CPU work
// and min(C, P)/W of waiting (Little's law).
type Bound struct {
	Throughput float64 `json:"throughput"` // req/s
	// Makespan is the least time a batch can take, in seconds.
	Makespan float64 `json:"makespan_s,omitempty"`
	// Limit says what sets the bound: "cpu", "wait" or "connections".
	Limit string `json:"limit"`
	// Parallelism is the P the bound assumed for the model.
	Parallelism int `json:"parallelism"`
	// Efficiency is measured / bound: throughput over its bound, or for a
	// batch the bound's makespan over the measured one. Above 1 +
	// bound.Tolerance the run carries a "measurement error" warning.
	Efficiency float64 `json:"efficiency,omitempty"`
}

// Idle is the memory of a target holding idle connections (C10K).
type Idle struct {
	// Conns is how many connections were open and idle when measured.
	Conns int `json:"conns"`
	// Asked is how many were asked for; Conns may be fewer.
	Asked int `json:"asked"`
	// Answered is how many of the Conns answered a request (when the
	// scenario touches each connection): a model that cannot serve them
	// all at once leaves the rest waiting in its backlog.
	Answered int `json:"answered,omitempty"`
	// Touched says whether one request was sent on each connection.
	Touched bool `json:"touched,omitempty"`
	// BaseRSS and BasePSS are bytes before any connection; RSS and PSS
	// with Conns open.
	BaseRSS int64 `json:"base_rss"`
	BasePSS int64 `json:"base_pss"`
	RSS     int64 `json:"rss"`
	PSS     int64 `json:"pss"`
}

// PerConn is the memory of one idle connection, in bytes, by PSS when known.
func (i *Idle) PerConn() float64 {
	if i == nil || i.Conns == 0 {
		return 0
	}
	if i.PSS > 0 {
		return float64(i.PSS-i.BasePSS) / float64(i.Conns)
	}
	return float64(i.RSS-i.BaseRSS) / float64(i.Conns)
}

// Background is what a target held idle beside a measured load: connections
// opened, and touched with one request each, before the load began, and
// held until it ended.
type Background struct {
	// Asked is how many were asked for; Conns how many were open, Answered
	// how many of those answered their request. A connection that did not
	// answer is still held, but the target may not be watching it.
	Asked    int `json:"asked"`
	Conns    int `json:"conns"`
	Answered int `json:"answered"`
}
