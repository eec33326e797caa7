package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/corobench/corobench/harness"
	"github.com/corobench/corobench/loadgen"
	"github.com/corobench/corobench/results"
)

// requestFlags collects repeated -r flags.
type requestFlags []loadgen.Request

func (r *requestFlags) String() string { return fmt.Sprint(len(*r), " requests") }

func (r *requestFlags) Set(s string) error {
	req, err := loadgen.ParseRequest(s)
	if err != nil {
		return err
	}
	*r = append(*r, req)
	return nil
}

// loadFlags are the flags of `corobench load`, named as wrk's where wrk has one.
type loadFlags struct {
	conns, maxConns, pipeline, batch int
	threads                          int
	engine                           string
	duration, warmup, timeout, think time.Duration
	rate, rampTo                     float64
	ramp                             time.Duration
	steps, trace                     string
	connPerReq, bench, quiet         bool
	seed                             uint64
	cpus, jsonOut, hlog              string
	reqs                             requestFlags
	network                          string // tcp or udp, from the URL
	window, sockets                  int    // of datagram clients
	maxBody                          int64
	verify                           string
	headers                          headerFlags
	method, body, bodyFile, host     string
	insecure                         bool
	caFile, startAt                  string
	expects                          []results.Expectation
	chat                             chatLoadFlags // of a chat:// URL
}

// headerFlags collects repeated -H flags.
type headerFlags []loadgen.Header

func (h *headerFlags) String() string { return fmt.Sprint(len(*h), " headers") }

func (h *headerFlags) Set(s string) error {
	hdr, err := loadgen.ParseHeader(s)
	if err != nil {
		return err
	}
	*h = append(*h, hdr)
	return nil
}

func (f *loadFlags) define(fs *flag.FlagSet) {
	fs.IntVar(&f.conns, "c", loadgen.DefaultConns, "connections (closed loop); connections opened before the start (open loop)")
	fs.IntVar(&f.threads, "t", loadgen.DefaultThreads, "closed loop: event loops (OS threads) of the uring and epoll engines; 0: one per CPU the process may run on")
	fs.StringVar(&f.engine, "engine", string(loadgen.EngineAuto), "closed loop: uring (epoll loops batching socket I/O through io_uring), epoll or goroutines; default: uring, else epoll, where there is one")
	fs.DurationVar(&f.duration, "d", loadgen.DefaultDuration, "how long to measure, after the warm-up")
	fs.DurationVar(&f.warmup, "warmup", 0, "load sent before measuring starts, not counted")
	fs.DurationVar(&f.timeout, "timeout", loadgen.DefaultTimeout, "bound on connecting and on each request")
	fs.Float64Var(&f.rate, "R", 0, "open loop: send this many requests a second, whatever the target does (as wrk2)")
	fs.Float64Var(&f.rampTo, "ramp-to", 0, "open loop: ramp linearly from -R to this rate over -ramp, then hold it")
	fs.DurationVar(&f.ramp, "ramp", 0, "open loop: the time of the -ramp-to ramp")
	fs.StringVar(&f.steps, "steps", "", "open loop: rate steps, 'RATE:DURATION,...' e.g. 1000:5s,2000:5s")
	fs.StringVar(&f.trace, "trace", "", "open loop: replay this trace file (lines 'OFFSET METHOD /PATH'), each request at its offset")
	fs.IntVar(&f.maxConns, "max-conns", loadgen.DefaultMaxConns, "open loop: most connections in the pool; a request finding none free is dropped")
	fs.IntVar(&f.batch, "batch", 0, "batch: send this many requests at once on as many connections, waiting at most -timeout; report the makespan")
	fs.IntVar(&f.pipeline, "pipeline", loadgen.DefaultPipeline, "closed loop: HTTP/1.1 pipelining depth per connection")
	fs.IntVar(&f.window, "window", loadgen.DefaultWindow, "udp://, closed loop: requests each client keeps in flight")
	fs.IntVar(&f.sockets, "sockets", 0, "udp://: sockets the clients share, in turn (0: one per client); fewer let the client batch more datagrams per system call")
	fs.BoolVar(&f.connPerReq, "conn-per-request", false, "a new connection for every request (Connection: close)")
	fs.DurationVar(&f.think, "think", 0, "closed loop: each connection waits this long between an answer and its next request")
	fs.Uint64Var(&f.seed, "seed", 1, "seed of the request mix, so every target sees the same sequence")
	fs.StringVar(&f.cpus, "cpus", "", "pin the load generator to these CPUs, e.g. 1")
	fs.StringVar(&f.jsonOut, "json", "", "also write the full results (versioned, with HDR histograms) to this file")
	fs.StringVar(&f.hlog, "hlog", "", "also write an HdrHistogram interval log (one interval a second) to this file")
	fs.BoolVar(&f.bench, "bench", false, "print a Go benchmark format line (for benchstat) instead of the summary")
	fs.BoolVar(&f.quiet, "q", false, "no progress line on stderr")
	fs.Int64Var(&f.maxBody, "max-body", loadgen.DefaultMaxBody, "bound on an answer's body in bytes; a longer one fails as 'body too large' (bodies are streamed, not held)")
	fs.StringVar(&f.verify, "verify", "auto", "what answers must prove: the CPU work of GET /cpu and /mix (auto: in answers that say Server: corobench; always: in every one), "+
		"and bodies their Repr-Digest (SHA-256), PUT answers the digest of the bytes sent (auto and always); never: nothing")
	fs.Var(&f.headers, "H", "a header of every request, 'Name: value' (repeatable; 'Host: name' sets the Host)")
	fs.StringVar(&f.method, "m", "", "the method of the URL's request (default GET, or POST with a body)")
	fs.StringVar(&f.body, "body", "", "the body of every request")
	fs.StringVar(&f.bodyFile, "body-file", "", "the body of every request, streamed from this file (of any size)")
	fs.StringVar(&f.host, "host", "", "the Host header (and TLS server name) of every request; default: the URL's host")
	fs.BoolVar(&f.insecure, "insecure", false, "https: do not verify the server's certificate")
	fs.StringVar(&f.caFile, "ca", "", "https: verify the server's certificate against the PEM certificates of this file, not the system's")
	fs.StringVar(&f.startAt, "start-at", "", "begin the measured window at this time (RFC 3339, e.g. 2026-01-02T15:04:05Z), the warm-up before it: agents on many machines given one time measure one window")
	fs.Var(&f.reqs, "r", "a request of the mix, '[WEIGHT] [METHOD] /PATH' (repeatable; default: the URL's path)")
	f.chat.define(fs)
	fs.Func("expect", "a gate, such as 'p99 < 50ms', 'errors == 0' or 'req/s > 1000' (repeatable): exit 1 when the run breaks one", func(s string) error {
		e, err := results.ParseExpectation(s)
		if err != nil {
			return err
		}
		f.expects = append(f.expects, e)
		return nil
	})
}

// mode is the load mode the flags ask for.
func (f *loadFlags) mode() string {
	switch {
	case f.chat.on:
		return results.ModeChat
	case f.batch > 0:
		return results.ModeBatch
	case f.rate > 0 || f.steps != "" || f.ramp > 0 || f.trace != "":
		return results.ModeOpen
	}
	return results.ModeClosed
}

// checkExpects says which -expect this run cannot measure: load measures
// the client side only, so not the target's CPU.
func (f *loadFlags) checkExpects() error {
	for _, e := range f.expects {
		switch {
		case e.Metric == results.MetricCPU:
			return fmt.Errorf("-expect %q: load measures the client only; the target's CPU is measured by corobench run (expect: in a scenario)", e)
		case e.Metric == results.MetricFailed:
			return fmt.Errorf("-expect %q: failed counts the runs of a suite; a load that fails exits 2", e)
		case !harness.MeasuredIn(e.Metric, f.mode()):
			return fmt.Errorf("-expect %q: a %s load does not measure %s", e, f.mode(), e.Metric)
		}
	}
	return nil
}

// plan is the flags' load as a scenario says it: harness.LoadOptions maps
// it, as it maps a scenario's.
func (f *loadFlags) plan() (harness.Load, error) {
	l := harness.Load{Mode: f.mode(), Duration: harness.Duration(f.duration), Warmup: harness.Duration(f.warmup),
		Timeout: harness.Duration(f.timeout), Rate: f.rate, Batch: f.batch, ConnPerReq: f.connPerReq,
		Pipeline: f.pipeline, ThinkTime: harness.Duration(f.think)}
	switch {
	case f.steps != "":
		phases, err := parseSteps(f.steps)
		if err != nil {
			return l, err
		}
		l.Rate, l.Phases = 0, phases
	case f.ramp > 0 && (f.rampTo != f.rate || f.rate == 0):
		// A ramp holds its last rate; one from a rate to itself is that rate.
		l.Rate, l.Phases = 0, []harness.Phase{{Rate: f.rate, To: &f.rampTo, For: harness.Duration(f.ramp)}}
	}
	return l, nil
}

// options turns the flags into the run's options: the plan's, and what
// only the flags say (the open loop's pool apart from -c, the engine, the
// verification, a start time, a trace, datagrams, a chat room).
func (f *loadFlags) options() ([]loadgen.Option, error) {
	l, err := f.plan()
	if err != nil {
		return nil, err
	}
	opts := append(harness.LoadOptions(l, f.conns, f.reqs),
		loadgen.WithSeed(f.seed), loadgen.WithMaxConns(f.maxConns),
		loadgen.WithThreads(f.threads), loadgen.WithEngine(loadgen.Engine(f.engine)),
		loadgen.WithMaxBody(f.maxBody))
	switch f.verify {
	case "auto":
		opts = append(opts, loadgen.WithVerify(loadgen.VerifyAuto))
	case string(loadgen.VerifyAlways), string(loadgen.VerifyNever):
		opts = append(opts, loadgen.WithVerify(loadgen.Verify(f.verify)))
	default:
		return nil, fmt.Errorf("-verify: want auto, always or never, not %q", f.verify)
	}
	if f.network == loadgen.NetUDP {
		opts = append(opts, loadgen.WithNet(loadgen.NetUDP), loadgen.WithWindow(f.window), loadgen.WithSockets(f.sockets))
	}
	if f.chat.on {
		opts = append(opts, loadgen.WithChat(f.chat.config()))
	}
	if f.startAt != "" {
		at, err := time.Parse(time.RFC3339Nano, f.startAt)
		if err != nil {
			return nil, fmt.Errorf("-start-at: want a time such as 2026-01-02T15:04:05Z, not %q", f.startAt)
		}
		opts = append(opts, loadgen.WithStartAt(at))
	}
	if f.trace != "" {
		file, err := os.Open(f.trace)
		if err != nil {
			return nil, err
		}
		defer file.Close()
		entries, err := loadgen.ParseTrace(file)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.trace, err)
		}
		opts = append(opts, loadgen.WithTrace(entries))
	}
	return opts, nil
}

// parseSteps reads 'RATE:DURATION,...' into phases of constant rates.
func parseSteps(s string) ([]harness.Phase, error) {
	var steps []harness.Phase
	for part := range strings.SplitSeq(s, ",") {
		r, d, ok := strings.Cut(strings.TrimSpace(part), ":")
		var st harness.Phase
		_, err := fmt.Sscan(r, &st.Rate)
		var dur time.Duration
		if err == nil {
			dur, err = time.ParseDuration(d)
		}
		if !ok || err != nil || st.Rate < 0 || dur <= 0 {
			return nil, fmt.Errorf("-steps: want RATE:DURATION,... such as 1000:5s, not %q", part)
		}
		st.For = harness.Duration(dur)
		steps = append(steps, st)
	}
	return steps, nil
}
