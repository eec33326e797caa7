package reports

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/corobench/corobench/results"
)

// The fixture is a realistic results file built from code, so the golden
// report is readable and reproducible: fixed seeds, fixed times. It has
// every kind of scenario, failed and crashed runs, warnings, a value above
// its bound, too few repetitions, and a scenario as old files had it (no
// kind, resources, bound or series).

// perf is how one model behaves in one fixture scenario.
type perf struct {
	model   string
	rate    float64 // req/s (throughput) or jobs (batch)
	p50     float64 // µs
	sigma   float64 // log-normal spread of latency
	tail    float64 // share of requests in a slow tail
	tailX   float64 // how much slower the tail is
	cpu     float64 // target CPU µs per request
	rss     int64   // MiB
	threads int
	procs   int
	par     int // parallelism for the bound
	errors  map[string]int64
	tweak   func(rep int, r *results.Run)
}

var fixtureStart = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

func fixture() *results.File {
	f := &results.File{
		Version: results.Version,
		Env: results.Env{
			GoVersion: "go1.26.0", OS: "linux", Arch: "amd64",
			CPU: "AMD EPYC 7B13 64-Core Processor", Cores: 2, Kernel: "Linux 6.1.0-31-cloud-amd64",
			Commit: "182d17700a1b", GOMAXPROCS: 2, CPURate: 412.5,
		},
		Started:  fixtureStart,
		Finished: fixtureStart.Add(4*time.Minute + 37*time.Second),
		Warnings: []string{"scenario mixed: repetitions lowered from 3 to 2 by -quick"},
		Models:   strings.Fields("loop process prefork thread threadpool eventloop reactors coro goroutine goroutine-1"),
	}
	f.Scenarios = []results.Scenario{
		throughputScenario("cpu-bound", "Every request asks for 1 ms of CPU work and nothing else. A model can go no faster than its cores allow. Shows which models use more than one core.",
			results.ModeClosed, 1000, 0, 3, 5, 0.25, []perf{
				{model: "loop", rate: 962, p50: 1040, sigma: 0.05, tail: 0.001, tailX: 3, cpu: 1010, rss: 9, threads: 5, procs: 1, par: 1,
					errors: map[string]int64{"timeout": 49}},
				{model: "process", rate: 871, p50: 52000, sigma: 0.3, tail: 0.01, tailX: 2, cpu: 1130, rss: 410, threads: 250, procs: 51, par: 2,
					tweak: func(rep int, r *results.Run) {
						if rep == 2 {
							r.Load, r.Resources = nil, nil
							r.Error = "target exited: signal: killed"
						}
					}},
				{model: "thread", rate: 949, p50: 51000, sigma: 0.2, tail: 0.01, tailX: 2, cpu: 1040, rss: 14, threads: 57, procs: 1, par: 2},
				{model: "eventloop", rate: 958, p50: 51500, sigma: 0.02, tail: 0.0, cpu: 1020, rss: 8, threads: 4, procs: 1, par: 1},
				{model: "reactors", rate: 1015, p50: 49000, sigma: 0.08, tail: 0.001, tailX: 2, cpu: 1015, rss: 9, threads: 6, procs: 1, par: 2,
					tweak: func(rep int, r *results.Run) {
						if rep == 3 { // over the bound
							r.Load.Requests = 0
							for i := range r.Load.Series {
								r.Load.Series[i].Requests = r.Load.Series[i].Requests * 105 / 100
								r.Load.Requests += r.Load.Series[i].Requests
							}
						}
					}},
				{model: "goroutine", rate: 955, p50: 51800, sigma: 0.1, tail: 0.002, tailX: 2, cpu: 1030, rss: 11, threads: 7, procs: 1, par: 2},
				{model: "goroutine-1", rate: 957, p50: 51700, sigma: 0.05, tail: 0.001, tailX: 2, cpu: 1025, rss: 10, threads: 5, procs: 1, par: 1},
				{model: "python-gevent", rate: 640, p50: 77000, sigma: 0.08, tail: 0.01, tailX: 3, cpu: 1540, rss: 38, threads: 1, procs: 1, par: 1},
			}),
		throughputScenario("io-bound", "Every request waits 10 ms of simulated external latency and does no CPU work. Shows which models overlap waits and which serve one client at a time.",
			results.ModeClosed, 0, 10000, 3, 5, 0.25, []perf{
				{model: "loop", rate: 99, p50: 10100, sigma: 0.01, tail: 0.001, tailX: 1.5, cpu: 45, rss: 9, threads: 5, procs: 1, par: 1,
					errors: map[string]int64{"timeout": 49}},
				{model: "thread", rate: 4790, p50: 10400, sigma: 0.03, tail: 0.005, tailX: 3, cpu: 48, rss: 15, threads: 57, procs: 1, par: 50},
				{model: "eventloop", rate: 4870, p50: 10250, sigma: 0.02, tail: 0.002, tailX: 1.5, cpu: 22, rss: 8, threads: 4, procs: 1, par: 50},
				{model: "reactors", rate: 4880, p50: 10220, sigma: 0.02, tail: 0.002, tailX: 1.5, cpu: 24, rss: 9, threads: 6, procs: 1, par: 50},
				{model: "goroutine", rate: 4860, p50: 10270, sigma: 0.02, tail: 0.003, tailX: 2, cpu: 31, rss: 11, threads: 7, procs: 1, par: 50,
					tweak: func(rep int, r *results.Run) {
						if rep == 1 {
							r.Load.ClientUser, r.Load.ClientSys = 3.1, 1.6
						}
					}},
				{model: "goroutine-1", rate: 4850, p50: 10290, sigma: 0.02, tail: 0.003, tailX: 2, cpu: 29, rss: 10, threads: 5, procs: 1, par: 50,
					tweak: func(rep int, r *results.Run) {
						if rep == 3 {
							r.Warnings = append(r.Warnings, "client-bound: the load generator used 97% of its CPU")
						}
					}},
			}),
		throughputScenario("mixed", "Every request waits 5 ms, then does 200 µs of CPU work, offered at a fixed 2,000 req/s (open loop, latency from the intended send time). Shows what CPU work does to a single-threaded event loop.",
			results.ModeOpen, 200, 5000, 2, 1.5, 0, []perf{
				{model: "loop", rate: 190, p50: 2400000, sigma: 0.4, tail: 0.01, tailX: 2, cpu: 230, rss: 9, threads: 5, procs: 1, par: 1,
					tweak: func(rep int, r *results.Run) { r.Load.Dropped, r.Load.Unfinished = 9050, 1 }},
				{model: "eventloop", rate: 1985, p50: 6100, sigma: 0.5, tail: 0.03, tailX: 15, cpu: 215, rss: 8, threads: 4, procs: 1, par: 1},
				{model: "reactors", rate: 1968, p50: 5300, sigma: 0.05, tail: 0.005, tailX: 2, cpu: 220, rss: 9, threads: 6, procs: 1, par: 2},
				{model: "goroutine", rate: 1961, p50: 5350, sigma: 0.06, tail: 0.005, tailX: 2.5, cpu: 240, rss: 11, threads: 7, procs: 1, par: 2},
			}),
		batchScenario(EfficiencyCPU, "The textbook's efficiency test, CPU half: 10 jobs of 100 ms of CPU work fired at once.", 0.1, 0, []perf{
			{model: "loop", rate: 1.003, par: 1, cpu: 100000, rss: 9, threads: 5, procs: 1},
			{model: "process", rate: 0.522, par: 2, cpu: 104000, rss: 90, threads: 50, procs: 11},
			{model: "thread", rate: 0.508, par: 2, cpu: 101000, rss: 12, threads: 15, procs: 1},
			{model: "goroutine", rate: 0.506, par: 2, cpu: 100500, rss: 11, threads: 7, procs: 1},
		}),
		batchScenario(EfficiencyDisk, "Fast file IO: 10 jobs that each write a file and read it back, fired at once.", 0.015, 0, []perf{
			{model: "loop", rate: 0.152, par: 1, cpu: 15000, rss: 9, threads: 5, procs: 1},
			{model: "process", rate: 0.094, par: 2, cpu: 16000, rss: 90, threads: 50, procs: 11},
			{model: "thread", rate: 0.081, par: 2, cpu: 15500, rss: 12, threads: 15, procs: 1},
			{model: "goroutine", rate: 0.079, par: 2, cpu: 15200, rss: 11, threads: 9, procs: 1},
		}),
		batchScenario(EfficiencyIO, "High-latency IO: 10 jobs of 100 ms of waiting fired at once.", 0, 0.1, []perf{
			{model: "loop", rate: 1.004, par: 1, cpu: 40, rss: 9, threads: 5, procs: 1},
			{model: "process", rate: 0.109, par: 10, cpu: 900, rss: 90, threads: 50, procs: 11},
			{model: "thread", rate: 0.1012, par: 10, cpu: 60, rss: 12, threads: 15, procs: 1},
			{model: "goroutine", rate: 0.1008, par: 10, cpu: 45, rss: 11, threads: 7, procs: 1},
		}),
		idleScenario(),
		legacyScenario(),
	}
	for i := range f.Scenarios {
		if s := &f.Scenarios[i]; s.Kind != "" { // the old file says nothing of designs
			for j := range s.Runs {
				s.Runs[j].Design = fixtureDesign(s.Runs[j].Target)
			}
		}
	}
	return f
}

// rng is a generator seeded by the scenario, model and repetition.
func rng(parts ...string) *rand.Rand {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return rand.New(rand.NewPCG(h.Sum64(), 1))
}

// latencies records n latencies around p50 into a histogram.
func latencies(r *rand.Rand, n int, m perf) *results.Histogram {
	h := results.NewHistogram()
	for range n {
		us := m.p50 * math.Exp(m.sigma*r.NormFloat64())
		if r.Float64() < m.tail {
			us *= 1 + (m.tailX-1)*r.Float64()*2
		}
		h.Record(time.Duration(us * float64(time.Microsecond)))
	}
	return h
}

// throughputScenario runs secs seconds per repetition, with a series in
// intervals of interval seconds (0: one-second entries, as files had them
// before the interval was recorded).
func throughputScenario(name, desc, mode string, cpuUS, waitUS float64, reps int, secs, interval float64, models []perf) results.Scenario {
	s := results.Scenario{Name: name, Description: desc, File: "scenarios/" + name + ".yaml", Kind: results.KindThroughput, PinTarget: "0", PinClient: "1"}
	const conns = 50
	for rep := 1; rep <= reps; rep++ {
		for _, m := range models {
			r := rng(name, m.model, string(rune('0'+rep)))
			rate := m.rate * (1 + 0.012*r.NormFloat64())
			l := &results.Load{Mode: mode, Conns: conns, Elapsed: secs, Interval: interval, Errors: m.errors}
			for i := 0; float64(i)*l.SeriesInterval() < secs; i++ {
				length := min(l.SeriesInterval(), secs-float64(i)*l.SeriesInterval())
				n := int64(rate * length * (1 + 0.05*r.NormFloat64()))
				if m.model == "eventloop" && i == int(0.6*secs/l.SeriesInterval()) {
					n /= 2 // a stall
				}
				l.Series = append(l.Series, results.Second{Requests: n, P50: int64(m.p50), P99: int64(m.p50 * 2)})
				l.Requests += n
			}
			reqs := l.Requests
			l.Latency = latencies(r, int(min(reqs, 20000)), m)
			l.ClientUser, l.ClientSys = 0.4+0.0001*rate, 0.3+0.0001*rate
			if mode == results.ModeOpen {
				l.Rate = 2000
				l.LatencyUncorrected = latencies(r, 2000, perf{p50: m.p50 / 2, sigma: m.sigma})
			}
			bound, limit := math.Inf(1), ""
			if cpuUS > 0 { // the target is pinned to one CPU
				bound, limit = float64(min(m.par, 1))/cpuUS*1e6, "cpu"
			}
			if w := float64(waitPar(m.model, conns)) / (cpuUS + waitUS) * 1e6; waitUS > 0 && w < bound {
				bound, limit = w, "wait"
			}
			if mode == results.ModeOpen && l.Rate < bound {
				bound, limit = l.Rate, "rate"
			}
			cpu := m.cpu * float64(reqs) / 1e6
			run := results.Run{Target: m.model, Rep: rep, Load: l, GOMAXPROCS: 2,
				Resources: &results.Resources{User: cpu * 0.8, Sys: cpu * 0.2, PeakRSS: m.rss << 20, PeakPSS: m.rss << 20 * 7 / 10,
					MaxThreads: m.threads, MaxProcesses: m.procs, MaxFDs: 60, Voluntary: reqs, Involuntary: reqs / 10, Samples: 50},
				Bound: &results.Bound{Throughput: bound, Limit: limit, Parallelism: m.par}}
			if m.model == "goroutine-1" {
				run.GOMAXPROCS = 1
			}
			if m.tweak != nil {
				m.tweak(rep, &run)
			}
			s.Runs = append(s.Runs, run)
		}
	}
	return s
}

func batchScenario(name, desc string, cpuS, waitS float64, models []perf) results.Scenario {
	s := results.Scenario{Name: name, Description: desc, File: "scenarios/" + name + ".yaml", Kind: results.KindBatch, PinTarget: "0-1", PinClient: "0-1"}
	const jobs = 10
	for rep := 1; rep <= 3; rep++ {
		for _, m := range models {
			r := rng(name, m.model, string(rune('0'+rep)))
			makespan := m.rate * (1 + 0.02*math.Abs(r.NormFloat64()))
			h := results.NewHistogram()
			for i := range jobs {
				h.Record(time.Duration(makespan * float64(i+1) / jobs * float64(time.Second)))
			}
			cpu := m.cpu * jobs / 1e6
			bound := math.Max(cpuS*jobs/float64(min(m.par, 2)), waitS*math.Ceil(float64(jobs)/float64(m.par)))
			s.Runs = append(s.Runs, results.Run{Target: m.model, Rep: rep, GOMAXPROCS: 2,
				Load:      &results.Load{Mode: results.ModeBatch, Conns: jobs, Elapsed: makespan, Requests: jobs, Makespan: makespan, Latency: h, ClientUser: 0.01, ClientSys: 0.01},
				Resources: &results.Resources{User: cpu, Sys: cpu / 10, PeakRSS: m.rss << 20, PeakPSS: m.rss << 20 * 6 / 10, MaxThreads: m.threads, MaxProcesses: m.procs, Samples: 10},
				Bound:     &results.Bound{Throughput: jobs / bound, Makespan: bound, Limit: map[bool]string{true: "cpu", false: "wait"}[cpuS > 0], Parallelism: m.par},
			})
		}
	}
	return s
}

func idleScenario() results.Scenario {
	s := results.Scenario{Name: "c10k", Description: "10,000 idle keep-alive connections held open; memory measured before and with them (C10K).", File: "scenarios/c10k.yaml", Kind: results.KindIdle}
	models := []struct {
		name         string
		conns        int
		base, perCon int64 // bytes
	}{
		{"loop", 200, 5 << 20, 60},
		{"process", 2000, 6 << 20, 310 << 10},
		{"thread", 4000, 7 << 20, 72 << 10},
		{"eventloop", 10000, 5 << 20, 1200},
		{"coro", 10000, 5 << 20, 3500},
		{"goroutine", 10000, 6 << 20, 4700},
	}
	for rep := 1; rep <= 3; rep++ {
		for _, m := range models {
			r := rng("c10k", m.name, string(rune('0'+rep)))
			per := float64(m.perCon) * (1 + 0.01*r.NormFloat64())
			run := results.Run{Target: m.name, Rep: rep, GOMAXPROCS: 2, Idle: &results.Idle{
				Conns: m.conns, Asked: 10000, Touched: true, Answered: m.conns, BaseRSS: m.base, BasePSS: m.base * 8 / 10,
				RSS: m.base + int64(per*float64(m.conns)*1.2), PSS: m.base*8/10 + int64(per*float64(m.conns)),
			}}
			if m.name == "loop" { // one worker: one connection answered, the rest in the backlog
				run.Idle.Asked, run.Idle.Answered = m.conns, 1
			}
			if m.name == "process" && rep == 3 {
				run.Idle = nil
				run.Error = "target did not start: ready line not seen within 10s"
			}
			s.Runs = append(s.Runs, run)
		}
	}
	return s
}

// legacyScenario is a scenario as the first results files wrote it: no
// kind, no resources, no bound, no series, one repetition, and a target
// whose latency histogram is missing.
func legacyScenario() results.Scenario {
	s := results.Scenario{Name: "echo (old file)", Description: "POST /echo with 1 KiB bodies; written by an early corobench."}
	for _, m := range []perf{
		{model: "loop", rate: 8100, p50: 6000, sigma: 0.1},
		{model: "goroutine", rate: 31000, p50: 1500, sigma: 0.3, tail: 0.01, tailX: 20},
		{model: "node-http", rate: 22000, p50: 2200, sigma: 0.2},
	} {
		r := rng("legacy", m.model)
		l := &results.Load{Mode: results.ModeClosed, Conns: 50, Elapsed: 5, Requests: int64(m.rate * 5), Latency: latencies(r, 5000, m), ClientUser: 1, ClientSys: 1}
		if m.model == "node-http" {
			l.Latency = nil
		}
		s.Runs = append(s.Runs, results.Run{Target: m.model, Rep: 1, Load: l})
	}
	return s
}

// waitPar is how many waits a model overlaps: loop serves one connection
// at a time, every other model all of them.
func waitPar(model string, conns int) int {
	if model == "loop" {
		return 1
	}
	return conns
}

// fixtureDesign is what the models' ready lines and the peers' scenario
// entries say of the fixture's targets.
func fixtureDesign(target string) *results.Design {
	switch target {
	case "loop":
		return &results.Design{Analogue: "the textbook's loop server", Textbook: results.TextbookSequential}
	case "thread":
		return &results.Design{Analogue: "threading.Thread per connection", Textbook: results.TextbookThreads}
	case "process":
		return &results.Design{Analogue: "os.fork per connection", Textbook: results.TextbookProcesses}
	case "python-gevent":
		return &results.Design{Like: []string{"goroutine-1", "goroutine", "coro"}}
	}
	return &results.Design{Analogue: "a model of the fixture"}
}
