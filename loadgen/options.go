package loadgen

import (
	"crypto/tls"
	"io"
	"time"

	"github.com/corobench/corobench/protocol"
)

// Defaults of a run, used where an option does not say otherwise.
const (
	DefaultConns    = 50
	DefaultDuration = 10 * time.Second
	DefaultTimeout  = 10 * time.Second
	// DefaultMaxConns caps the connection pool of an open-loop run.
	DefaultMaxConns = 1000
	// DefaultPipeline is one request in flight per connection.
	DefaultPipeline = 1
)

// config is a run's settings, set by options.
type config struct {
	conns      int
	duration   time.Duration
	warmup     time.Duration
	timeout    time.Duration
	requests   []Request
	seed       uint64
	pacer      Pacer // open loop when set
	trace      []TraceEntry
	maxConns   int
	batch      int // batch mode when > 0
	pipeline   int
	connPerReq bool
	think      time.Duration
	engine     Engine
	threads    int
	maxBody    int64
	verify     Verify
	tls        *tls.Config
	startAt    time.Time
	hlog       io.Writer
	progress   func(Progress)
	dgram      dgramConfig // WithNet(NetUDP) and its settings
	chat       *Chat       // WithChat
}

func defaults() config {
	return config{
		conns:    DefaultConns,
		duration: DefaultDuration,
		timeout:  DefaultTimeout,
		requests: []Request{{Method: "GET", Path: "/health", Weight: 1}},
		seed:     1,
		maxConns: DefaultMaxConns,
		pipeline: DefaultPipeline,
		maxBody:  DefaultMaxBody,
	}
}

// Option sets one setting of a run.
type Option func(*config)

// WithConns sets the number of connections: in a closed-loop run each has
// one request (or a pipeline) in flight; in an open-loop run it is how many
// are opened before the start (the pool grows up to WithMaxConns).
func WithConns(n int) Option { return func(c *config) { c.conns = n } }

// WithDuration sets how long the run is measured, after the warm-up. A batch
// run waits at most this long for its answers.
func WithDuration(d time.Duration) Option { return func(c *config) { c.duration = d } }

// WithWarmup sets how long load is sent before measuring starts; what
// happens during the warm-up is not counted.
func WithWarmup(d time.Duration) Option { return func(c *config) { c.warmup = d } }

// WithTimeout bounds connecting and each request; a request that takes
// longer counts as a timeout error.
func WithTimeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// WithRequests sets the weighted mix of requests to send.
func WithRequests(rs ...Request) Option { return func(c *config) { c.requests = rs } }

// WithSeed seeds the choice of requests from the mix, so that every target
// sees the same sequence.
func WithSeed(seed uint64) Option { return func(c *config) { c.seed = seed } }

// WithRate makes the run open-loop: requests leave when the pacer says,
// whatever the target does, from a pool of connections. A request that
// finds no free connection when due is counted as dropped, never sent late.
// Latency is timed from when each request was due (corrected for
// coordinated omission) and, apart, from when it was sent.
func WithRate(p Pacer) Option { return func(c *config) { c.pacer = p } }

// WithMaxConns caps the connection pool of an open-loop run.
func WithMaxConns(n int) Option { return func(c *config) { c.maxConns = n } }

// WithBatch makes the run a batch: n requests sent at once on n connections
// opened beforehand, timed until the last answer (the makespan).
func WithBatch(n int) Option { return func(c *config) { c.batch = n } }

// WithPipeline keeps depth requests in flight on each connection of a
// closed-loop run (HTTP/1.1 pipelining): depth requests are written
// together, and the next depth once all are answered, as wrk does.
func WithPipeline(depth int) Option { return func(c *config) { c.pipeline = depth } }

// WithConnPerRequest opens a new connection for every request and asks the
// target to close it after answering (Connection: close).
func WithConnPerRequest() Option { return func(c *config) { c.connPerReq = true } }

// WithThinkTime makes each connection of a closed-loop run wait d between
// an answer and its next request.
func WithThinkTime(d time.Duration) Option { return func(c *config) { c.think = d } }

// WithTrace replays a trace, open loop: each entry is sent at its offset
// from the start of the run (warm-up included), whatever the target does.
// See ParseTrace for the file format.
func WithTrace(entries []TraceEntry) Option { return func(c *config) { c.trace = entries } }

// SeriesInterval is the length of a series' intervals for a run of
// duration d: the longest of 1 s, 500, 250, 200 and 100 ms that still cuts
// the run into 20 intervals, and 100 ms for shorter runs, so that a run of
// a few seconds shows a shape over time, not two points.
func SeriesInterval(d time.Duration) time.Duration {
	for _, iv := range []time.Duration{time.Second, 500 * time.Millisecond, 250 * time.Millisecond, 200 * time.Millisecond} {
		if d >= 20*iv {
			return iv
		}
	}
	return 100 * time.Millisecond
}

// WithHlog writes an HdrHistogram interval log (.hlog) of the corrected
// latency to w, one interval per interval of the series.
func WithHlog(w io.Writer) Option { return func(c *config) { c.hlog = w } }

// WithProgress calls f about once a second (and at the end) with the run
// so far, from the run's own goroutine; f must return quickly.
func WithProgress(f func(Progress)) Option { return func(c *config) { c.progress = f } }

// DefaultMaxBody bounds the body of an answer: a body is streamed (read,
// counted and dropped as it arrives), so the bound is on the time and
// bandwidth a lying server can take, not on memory.
const DefaultMaxBody = protocol.DefaultMaxBody

// WithMaxBody bounds the body of an answer; a longer one, announced or
// received, fails with ErrBodyTooLarge and closes its connection.
func WithMaxBody(n int64) Option { return func(c *config) { c.maxBody = n } }

// WithVerify says which answers are verified: the proofs of CPU work,
// the bodies against their Repr-Digest, and the digests PUT answers state
// (see Verify); VerifyAuto by default.
func WithVerify(v Verify) Option { return func(c *config) { c.verify = v } }

// WithTLS speaks TLS to the target (https), configured by cfg: its
// RootCAs, InsecureSkipVerify and ServerName are the caller's; the run adds
// a session cache shared by its connections, so that a new connection
// resumes a session rather than making a full handshake, and offers only
// HTTP/1.1 (ALPN). The goroutine engine runs a TLS run (docs/loadgen.md
// says why the event loops do not).
func WithTLS(cfg *tls.Config) Option { return func(c *config) { c.tls = cfg } }

// WithStartAt begins the run's measured window at t, and its warm-up
// before it: agents on many machines given one t measure one window, and
// their results merge (results.MergeLoads). The run waits until then; an
// agent that comes late begins at once, and its results say so.
func WithStartAt(t time.Time) Option { return func(c *config) { c.startAt = t } }

// Progress is a run so far, as WithProgress reports it.
type Progress struct {
	Elapsed  time.Duration // since the start, warm-up included
	Warmup   bool          // still in the warm-up
	Requests int64         // answered in the last interval
	Errors   int64         // failed in the last interval
	Interval time.Duration
	P99      time.Duration // the largest of the series' intervals since the last call
	// Owed is, in a chat run, the deliveries a second the room owes its
	// reading members (each one's rate times the others); Requests are
	// then the deliveries read and P99 a delivery's. 0 in other modes.
	Owed float64
}

// Engine is how a closed-loop run drives its connections.
type Engine string

// The engines. Open-loop, replay and batch runs always use goroutines.
const (
	// EngineAuto is uring where io_uring can be used, else epoll on
	// Linux, goroutines elsewhere.
	EngineAuto Engine = ""
	// EngineEpoll runs WithThreads event loops, each an OS thread with its
	// own epoll over its share of the connections (Linux only).
	EngineEpoll Engine = "epoll"
	// EngineURing is EngineEpoll whose loops hand each wake-up's socket
	// reads, then its writes, to io_uring in one system call each, rather
	// than one per connection (Linux with io_uring).
	EngineURing Engine = "uring"
	// EngineGoroutines runs one goroutine per connection on Go's netpoller.
	EngineGoroutines Engine = "goroutines"
)

// DefaultThreads (0) is one event loop per CPU the process may run on.
const DefaultThreads = 0

// WithEngine chooses the engine of a closed-loop run.
func WithEngine(e Engine) Option { return func(c *config) { c.engine = e } }

// WithThreads sets how many event loops (OS threads) the epoll engine runs,
// as wrk's -t; DefaultThreads is one per CPU the process may run on, and
// never more than there are connections.
func WithThreads(n int) Option { return func(c *config) { c.threads = n } }
