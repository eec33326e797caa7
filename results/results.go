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
