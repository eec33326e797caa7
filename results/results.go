// Package results is corobench's results type and its file format: one JSON
// document per run of a suite, holding the environment, every scenario, every
// repetition of every target, and each repetition's latency as an HDR
// histogram in the standard compressed encoding. Reports read it; nothing in
// it is computed twice.
package results

import "time"

// Version is the version of the results format this package writes.
const Version = 1

// File is one results file.
type File struct {
	Version   int        `json:"version"`
	Env       Env        `json:"env"`
	Started   time.Time  `json:"started"`
	Finished  time.Time  `json:"finished"`
	Scenarios []Scenario `json:"scenarios"`
	Warnings  []string   `json:"warnings,omitempty"`
	// Gates are the scenarios' expectations checked against the runs.
	Gates []Gate `json:"gates,omitempty"`
	// Models lists the models of the binary that ran, in its order (the
	// textbook's, from the simplest to the most concurrent): reports show
	// targets in this order, any other after them by name.
	Models []string `json:"models,omitempty"`
}

// Env says where the numbers were measured.
type Env struct {
	GoVersion  string `json:"go_version"`
	OS         string `json:"os"`
	Arch       string `json:"arch"`
	CPU        string `json:"cpu"`
	Cores      int    `json:"cores"`
	Kernel     string `json:"kernel"`
	Commit     string `json:"commit,omitempty"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	// CPURate is the calibrated work rate (units per µs) every target got.
	CPURate float64 `json:"cpu_rate"`
	// Pinning says where targets and the client ran by default; each
	// scenario records its own choice in PinTarget and PinClient.
	Pinning string `json:"pinning,omitempty"`
	// Starts are what starting a process cost on this machine, measured
	// once at the start of the suite: the least a process costs
	// (StartTrue) and the process model's child (StartChild).
	Starts []StartCost `json:"starts,omitempty"`
	// Build is the corobench that measured (corobench version); nil in
	// files written before it was recorded.
	Build *Build `json:"build,omitempty"`
	// Target is the build under test when it is not this corobench:
	// what ab's -a or -b named for its side.
	Target string `json:"target_build,omitempty"`
}

// Build is a corobench binary as Go's build information describes it.
type Build struct {
	// Module is the module path; Version its version: a release such as
	// v1.2.0 from go install …@v1.2.0, or "(devel)" when built from a
	// checkout.
	Module  string `json:"module,omitempty"`
	Version string `json:"version,omitempty"`
	// Commit is the VCS revision it was built from, when the build knew
	// it; Modified says the checkout had changes not committed.
	Commit   string `json:"commit,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	// Time is the commit's time (RFC 3339).
	Time      string `json:"time,omitempty"`
	GoVersion string `json:"go_version,omitempty"`
	// Tags are the build tags (-tags) and CGO its CGO_ENABLED setting.
	Tags string `json:"tags,omitempty"`
	CGO  string `json:"cgo_enabled,omitempty"`
}

// StartCost is what starting one program cost, from the start of its
// process to its reaping, measured one start after another on the CPU the
// targets run on.
type StartCost struct {
	// Name says what was started: StartTrue or StartChild.
	Name string `json:"name"`
	// Command is its command line.
	Command []string `json:"command"`
	Runs    int      `json:"runs"`
	// Wall is the median time from the start to the reaping, in µs: the
	// parent's work and the child's whole life, one after the other.
	Wall float64 `json:"wall_us"`
	// CPU is the median CPU time, user and system, the child used, in µs.
	CPU float64 `json:"cpu_us"`
	// ParentCPU is the median CPU time the parent used for a start (fork,
	// exec, reaping), in µs.
	ParentCPU float64 `json:"parent_cpu_us"`
}

// Names of start costs (StartCost.Name).
const (
	StartTrue  = "true"  // /bin/true: the least a process start costs
	StartChild = "child" // the process model's child, serving a connection whose client has gone
)

// Start is the start cost of that name, or nil.
func (e *Env) Start(name string) *StartCost {
	for i := range e.Starts {
		if e.Starts[i].Name == name {
			return &e.Starts[i]
		}
	}
	return nil
}

// Scenario is one scenario file's results.
type Scenario struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	File        string `json:"file,omitempty"`
	// Kind is what the scenario measures: KindThroughput, KindBatch or
	// KindIdle.
	Kind string `json:"kind,omitempty"`
	// PinTarget and PinClient are the CPU lists the target and the load
	// generator ran on; empty is not pinned.
	PinTarget string `json:"pin_target,omitempty"`
	PinClient string `json:"pin_client,omitempty"`
	// Curve, when set, makes this scenario one point of a curve drawn
	// across scenarios: a scenario file with background_idle gives one
	// scenario per idle count.
	Curve *Curve `json:"curve,omitempty"`
	Runs  []Run  `json:"runs"`
}

// Curve places a scenario on a curve of several.
type Curve struct {
	// Of names the curve: the scenario file's name, which its points share.
	Of string `json:"of"`
	// Idle is how many idle connections the target was asked to hold while
	// the measured ones ran.
	Idle int `json:"idle"`
}

// Run is one repetition of one target under one scenario's load.
type Run struct {
	Target string `json:"target"`
	Rep    int    `json:"rep"`
	// Load is what the load generator measured; nil when the run failed
	// before any load was sent.
	Load *Load `json:"load,omitempty"`
	// Resources is what the target's process tree used, sampled from /proc;
	// nil for a remote target.
	Resources *Resources `json:"resources,omitempty"`
	// Remote says the target was already running, perhaps on another
	// machine: the harness neither started nor sampled it.
	Remote bool `json:"remote,omitempty"`
	// Bound is the most that physics allows this model under this load.
	Bound *Bound `json:"bound,omitempty"`
	// Idle is the memory measurement of an idle-connection (C10K) run.
	Idle *Idle `json:"idle,omitempty"`
	// Background is what the target held idle while the measured load
	// ran, when the scenario asked for idle connections beside it.
	Background *Background `json:"background,omitempty"`
	// GOMAXPROCS is the target's, from its ready line.
	GOMAXPROCS int `json:"gomaxprocs,omitempty"`
	// Design says what the target is, from the model's ready line or an
	// external target's scenario entry; nil when nothing says.
	Design *Design `json:"design,omitempty"`
	// CPUPerRequest is the target tree's CPU time per answered request, in
	// µs, from Resources and Load.
	CPUPerRequest float64 `json:"cpu_per_request_us,omitempty"`
	// Error says why the run failed (target did not start, crashed).
	Error    string   `json:"error,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
}

// Design says what a target is, for the report's textbook and
// cross-language comparisons.
type Design struct {
	// Analogue is its analogue in the textbook or in well-known servers.
	Analogue string `json:"analogue,omitempty"`
	// Textbook is the row of the textbook's efficiency test it stands for
	// (TextbookSequential, TextbookThreads, TextbookProcesses), or "".
	Textbook string `json:"textbook,omitempty"`
	// Like names the models whose design it shares, which a report compares
	// it with (a peer in another language).
	Like []string `json:"like,omitempty"`
}

// Rows of the textbook's efficiency test: a multitask test run
// sequentially, in threads and in processes.
const (
	TextbookSequential = "sequential"
	TextbookThreads    = "threads"
	TextbookProcesses  = "processes"
)

// Kinds of scenario (Scenario.Kind).
const (
	KindThroughput = "throughput" // closed or open load over time
	KindBatch      = "batch"      // makespan of jobs fired at once
	KindIdle       = "idle"       // memory per idle connection
)

// Load modes.
const (
	ModeClosed = "closed" // C connections, each sends, waits, sends again
	ModeOpen   = "open"   // requests sent on a schedule, whatever the target does
	ModeBatch  = "batch"  // B requests fired at once, timed until the last answer
	ModeIdle   = "idle"   // connections opened and held idle, for memory
)

// ClientBoundShare is the share of its CPUs above which the load generator,
// not the target, may have set the pace: the run is flagged client-bound.
const ClientBoundShare = 0.9

// Load is what one load generator run measured.
type Load struct {
	Mode string `json:"mode"`
	// Engine is how the load generator drove its connections: uring,
	// epoll or goroutines (see loadgen.Engine).
	Engine   string  `json:"engine,omitempty"`
	Conns    int     `json:"conns"`
	Elapsed  float64 `json:"elapsed_s"` // measured time, warm-up excluded
	Requests int64   `json:"requests"`  // answered with the expected status and body
	// Bytes is the length on the wire of those answers: heads, bodies
	// and framing.
	Bytes int64 `json:"bytes,omitempty"`
	// Reconnects counts the connections the target closed during the
	// measured window (Connection: close, a body delimited by the close,
	// a close while idle) when the run had not asked it to; each was
	// opened again.
	Reconnects int64 `json:"reconnects,omitempty"`
	// TLSHandshakes counts the TLS handshakes of the measured window, and
	// TLSResumed those of them that resumed a session.
	TLSHandshakes int64 `json:"tls_handshakes,omitempty"`
	TLSResumed    int64 `json:"tls_resumed,omitempty"`
	// Rate is the asked arrival rate of an open-loop run (req/s).
	Rate float64 `json:"rate,omitempty"`
	// Dropped counts open-loop sends that found no free connection when
	// they were due; they are not sent late.
	Dropped int64 `json:"dropped,omitempty"`
	// Unfinished counts requests still unanswered when the run ended.
	Unfinished int64 `json:"unfinished,omitempty"`
	// UnfinishedOldest is the age, in seconds, of the oldest unfinished
	// request when the run ended (from its send, or when it was due).
	UnfinishedOldest float64 `json:"unfinished_oldest_s,omitempty"`
	// Pipeline is the requests in flight per connection, when more than 1.
	Pipeline int `json:"pipeline,omitempty"`
	// ConnPerRequest says that every request had a connection of its own
	// (Connection: close).
	ConnPerRequest bool `json:"conn_per_request,omitempty"`
	// Makespan is a batch's time from the first send to the last answer.
	Makespan float64 `json:"makespan_s,omitempty"`
	// Errors counts failed requests by kind (see loadgen's Err* kinds).
	Errors map[string]int64 `json:"errors,omitempty"`
	// Latency holds the latency, in µs, of every answered request. In an
	// open-loop run it is timed from the intended send time (corrected for
	// coordinated omission); LatencyUncorrected from the actual send.
	Latency            *Histogram `json:"latency"`
	LatencyUncorrected *Histogram `json:"latency_uncorrected,omitempty"`
	// Series is throughput and latency interval by interval: each entry
	// covers SeriesInterval seconds of the measured time, the last one what
	// is left of Elapsed (see SeriesSpan).
	Series []Second `json:"series,omitempty"`
	// Interval is the length, in seconds, of each entry of Series; files
	// written before it was recorded have one-second entries and leave it
	// out.
	Interval float64 `json:"interval_s,omitempty"`
	// Datagram is what a load over datagrams (UDP) measured beyond its
	// requests; nil over TCP.
	Datagram *Datagram `json:"datagram,omitempty"`
	// ClientUser and ClientSys are the load generator's CPU seconds.
	ClientUser float64  `json:"client_user_s"`
	ClientSys  float64  `json:"client_sys_s"`
	Warnings   []string `json:"warnings,omitempty"`
}

// Second is one interval of a run's series: a second in files written
// before Load.Interval, SeriesInterval since.
type Second struct {
	Requests int64 `json:"requests"`
	Errors   int64 `json:"errors"`
	P50      int64 `json:"p50_us"`
	P99      int64 `json:"p99_us"`
}

// Throughput is answered requests per second.
func (l *Load) Throughput() float64 {
	if l.Elapsed <= 0 {
		return 0
	}
	return float64(l.Requests) / l.Elapsed
}

// SeriesInterval is the length, in seconds, of each entry of the series:
// Interval, or one second in files written before it was recorded.
func (l *Load) SeriesInterval() float64 {
	if l.Interval > 0 {
		return l.Interval
	}
	return 1
}

// SeriesSpan is when entry i of the series starts and how long it lasts,
// in seconds of the measured time: SeriesInterval, but never past Elapsed,
// and the last entry covers all that is left of it (a run of 1.5 s in
// one-second entries has a full second and half of one; an entry folded
// after the end lasts nothing). A rate over an entry is its count over this
// length.
func (l *Load) SeriesSpan(i int) (start, length float64) {
	iv := l.SeriesInterval()
	start = float64(i) * iv
	if l.Elapsed <= 0 {
		return start, iv
	}
	if i == len(l.Series)-1 {
		return start, max(l.Elapsed-start, 0)
	}
	return start, max(min(iv, l.Elapsed-start), 0)
}

// ErrorCount is the number of failed requests of every kind.
func (l *Load) ErrorCount() int64 {
	var n int64
	for _, c := range l.Errors {
		n += c
	}
	return n
}

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
	Samples     int   `json:"samples"`
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
