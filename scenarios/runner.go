package scenarios

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/corobench/corobench/internal/affinity"
	"github.com/corobench/corobench/loadgen"
	"github.com/corobench/corobench/results"
	"github.com/corobench/corobench/targets/work"
)

// Runner runs scenarios: it starts each target as a `corobench serve`
// process of Binary and puts load on it from this process.
type Runner struct {
	// Binary is the corobench executable that serves the models.
	Binary string
	// Rate is the calibrated work rate every target is given.
	Rate work.Rate
	// Log receives one progress line per run; nil is silent.
	Log io.Writer
	// ReadyTimeout bounds a target's start; zero is DefaultReadyTimeout.
	ReadyTimeout time.Duration
}

// Run runs every repetition of every target of s, repetitions outermost so
// that targets are interleaved in time and a slow drift of the machine
// spreads over all of them. A target that fails is recorded and the run goes
// on; when ctx ends, what was measured so far is returned.
func (r *Runner) Run(ctx context.Context, s *Scenario) results.Scenario {
	out := results.Scenario{Name: s.Name, Description: s.Description, File: s.file}
	clientCPUs, _ := affinity.Parse(s.Pin.Client)
	if err := affinity.PinSelf(clientCPUs); err != nil {
		r.logf("%s: %v; the client is not pinned", s.Name, err)
	}
	for rep := 1; rep <= s.Repetitions; rep++ {
		for _, name := range s.Targets {
			if ctx.Err() != nil {
				return out
			}
			run := r.runOne(ctx, s, name, rep)
			out.Runs = append(out.Runs, run)
		}
	}
	return out
}

func (r *Runner) runOne(ctx context.Context, s *Scenario, model string, rep int) results.Run {
	run := results.Run{Target: model, Rep: rep}
	argv := []string{r.Binary, "serve", "-model", model, "-addr", "127.0.0.1:0",
		"-cpu-rate", strconv.FormatFloat(float64(r.Rate), 'f', -1, 64)}
	if s.Pin.Target != "" {
		argv = append(argv, "-cpus", s.Pin.Target)
	}
	t, err := Start(ctx, argv, cmp.Or(r.ReadyTimeout, DefaultReadyTimeout))
	if err != nil {
		run.Error = err.Error()
		r.logf("%s / %s / rep %d: %v", s.Name, model, rep, err)
		return run
	}
	load, err := loadgen.Run(ctx, t.Ready.Addr, r.loadOptions(s)...)
	if err != nil {
		run.Error = err.Error()
	}
	run.Load = load
	if err := t.Stop(DefaultStopTimeout); err != nil {
		run.Error = "target " + err.Error()
	}
	if load != nil {
		run.Warnings = append(run.Warnings, load.Warnings...)
		r.logf("%s / %s / rep %d: %.0f req/s, p99 %s, %d errors", s.Name, model, rep,
			load.Throughput(), load.Latency.Quantile(0.99), load.ErrorCount())
	}
	return run
}

func (r *Runner) loadOptions(s *Scenario) []loadgen.Option {
	reqs := make([]loadgen.Request, len(s.Requests))
	for i, q := range s.Requests {
		reqs[i] = loadgen.Request{Method: q.Method, Path: q.Path, Body: []byte(q.Body), Weight: q.Weight}
	}
	return []loadgen.Option{
		loadgen.WithConns(s.Load.Connections),
		loadgen.WithDuration(time.Duration(s.Load.Duration)),
		loadgen.WithWarmup(time.Duration(s.Load.Warmup)),
		loadgen.WithTimeout(time.Duration(s.Load.Timeout)),
		loadgen.WithRequests(reqs...),
	}
}

func (r *Runner) logf(format string, args ...any) {
	if r.Log != nil {
		fmt.Fprintf(r.Log, format+"\n", args...)
	}
}
