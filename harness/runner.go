package harness

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/corobench/corobench/internal/affinity"
	"github.com/corobench/corobench/results"
	"github.com/corobench/corobench/work"
)

// Runner runs scenarios: it starts each model as a `corobench serve`
// process of Binary, each external target by its command, and puts load on
// it from this process.
type Runner struct {
	// Binary is the corobench executable that serves the models.
	Binary string
	// Rate is the calibrated work rate every model is given.
	Rate work.Rate
	// Build is the build under test of the external targets: it replaces
	// {build} in their commands and checks (a path, or a command of
	// several words).
	Build string
	// Log receives one line per run; nil is silent.
	Log io.Writer
	// Progress, when set, is told when each run begins and ends.
	Progress Progress
	// ReadyTimeout bounds a target's start; zero is DefaultReadyTimeout.
	ReadyTimeout time.Duration
	// CPUs are the CPUs this process may use, whose ids scenarios' pins
	// pick by position; nil is its affinity when Run begins.
	CPUs []int
}

// Progress follows a suite: Begin before each run, End after it.
type Progress interface {
	Begin(scenario, target string, rep, reps int)
	End(run results.Run)
}

// Run runs every repetition of every target of s, repetitions outermost so
// that targets are interleaved in time and a slow drift of the machine
// spreads over all of them. A target that fails is recorded and the run goes
// on; when ctx ends, what was measured so far is returned.
//
// It returns one scenario's results, or, when s holds idle connections in
// the background (load.background_idle), one per idle count: name/idle=N,
// each a point of the curve s draws (results.Curve). The counts are
// interleaved too, inside each repetition.
//
// A pinning that cannot be made fails every target of the scenario, with
// the reason. Run leaves this process on the CPUs it found it on.
func (r *Runner) Run(ctx context.Context, s *Scenario) []results.Scenario {
	points := s.points()
	out := make([]results.Scenario, len(points))
	for i, p := range points {
		out[i] = results.Scenario{Name: s.Name, Description: s.Description, File: s.file, Kind: s.Kind()}
		if p.curve {
			out[i].Name = fmt.Sprintf("%s/idle=%d", s.Name, p.idle)
			out[i].Curve = &results.Curve{Of: s.Name, Idle: p.idle}
		}
	}
	allowed, err := r.allowed()
	var pin pinning
	if err == nil {
		pin, err = s.Pin.resolve(allowed)
	}
	if err != nil {
		for i, p := range points {
			for _, spec := range s.Targets {
				if !p.holds(s, spec.Name) {
					continue
				}
				run := results.Run{Target: spec.Name, Rep: 1, Error: "not run: " + oneLine(err.Error())}
				out[i].Runs = append(out[i].Runs, run)
				r.log(s, run)
			}
		}
		return out
	}
	defer affinity.PinSelf(allowed)
	for i := range out {
		out[i].PinTarget, out[i].PinClient = affinity.Format(pin.target), affinity.Format(pin.client)
	}
	for rep := 1; rep <= s.Repetitions; rep++ {
		for i, p := range points {
			for _, spec := range s.Targets {
				if !p.holds(s, spec.Name) {
					continue
				}
				if ctx.Err() != nil {
					return out
				}
				if r.Progress != nil {
					r.Progress.Begin(s.Name, p.label(spec.Name), rep, s.Repetitions)
				}
				run := r.runOne(ctx, s, spec, rep, pin, allowed, p)
				out[i].Runs = append(out[i].Runs, run)
				if r.Progress != nil {
					r.Progress.End(run)
				}
				r.log(s, run)
			}
		}
	}
	return out
}

// point is one idle count of a curve, or the one run of a scenario that
// draws none.
type point struct {
	idle  int
	curve bool
}

// points are the scenario's idle counts, ascending (every target's, once).
func (s *Scenario) points() []point {
	if len(s.Load.Background) == 0 {
		return []point{{}}
	}
	var counts []int
	for _, t := range s.Targets {
		for _, n := range s.backgroundOf(t.Name) {
			if !slices.Contains(counts, n) {
				counts = append(counts, n)
			}
		}
	}
	slices.Sort(counts)
	points := make([]point, len(counts))
	for i, n := range counts {
		points[i] = point{idle: n, curve: true}
	}
	return points
}

// backgroundOf is the idle counts target runs with.
func (s *Scenario) backgroundOf(target string) []int {
	if ns, ok := s.Load.BackgroundByTarget[target]; ok {
		return ns
	}
	return s.Load.Background
}

// holds reports whether target runs at this point.
func (p point) holds(s *Scenario, target string) bool {
	return !p.curve || slices.Contains(s.backgroundOf(target), p.idle)
}

// label names a run of target at this point, for a progress display.
func (p point) label(target string) string {
	if !p.curve {
		return target
	}
	return fmt.Sprintf("%s, %d idle", target, p.idle)
}

// Kind is what the scenario measures, as results.Scenario.Kind says it.
func (s *Scenario) Kind() string {
	switch s.Load.Mode {
	case results.ModeBatch:
		return results.KindBatch
	case results.ModeIdle:
		return results.KindIdle
	}
	return results.KindThroughput
}

// Runs is the number of runs the scenario makes.
func (s *Scenario) Runs() int {
	n := 0
	for _, p := range s.points() {
		for _, t := range s.Targets {
			if p.holds(s, t.Name) {
				n++
			}
		}
	}
	return s.Repetitions * n
}

// startCost is a rough guess of a target's start and stop, for Estimate.
const startCost = 300 * time.Millisecond

// Estimate is a rough guess of one run's time, for a progress display.
func (s *Scenario) Estimate() time.Duration {
	l := s.Load
	switch l.Mode {
	case results.ModeBatch:
		return startCost + time.Second
	case results.ModeIdle:
		// Opening at OpenRate, and touching at about 2,500 a second.
		open := time.Duration(float64(l.Connections) * (1/l.OpenRate + 1.0/2500) * float64(time.Second))
		return startCost + open + time.Duration(l.Duration) + time.Second
	}
	joins, grace := l.chatTimes()
	return startCost + joins + time.Duration(l.Warmup+l.Duration) + grace + s.backgroundCost()
}

// backgroundCost is the mean time a run spends opening and touching its idle
// connections before the load.
func (s *Scenario) backgroundCost() time.Duration {
	total, runs := 0, 0
	for _, p := range s.points() {
		for _, t := range s.Targets {
			if p.curve && p.holds(s, t.Name) {
				total += p.idle
				runs++
			}
		}
	}
	if runs == 0 {
		return 0
	}
	conns := float64(total) / float64(runs)
	return time.Duration(conns * (1/s.Load.OpenRate + 1.0/2500) * float64(time.Second))
}

// allowed is the CPUs this process may use: r.CPUs, or its affinity.
func (r *Runner) allowed() ([]int, error) {
	if r.CPUs != nil {
		return r.CPUs, nil
	}
	return affinity.Allowed()
}

func (r *Runner) log(s *Scenario, run results.Run) {
	if r.Log != nil {
		fmt.Fprintln(r.Log, RunLine(s.Name, run))
	}
}

// RunLine is the one-line summary of a run, for a log.
func RunLine(scenario string, run results.Run) string {
	head := fmt.Sprintf("%s / %s / rep %d:", scenario, run.Target, run.Rep)
	switch {
	case run.Error != "":
		return head + " " + run.Error
	case run.Idle != nil:
		return fmt.Sprintf("%s %d of %d connections open, %d answered, %.1f KiB each", head,
			run.Idle.Conns, run.Idle.Asked, run.Idle.Answered, run.Idle.PerConn()/1024)
	case run.Load != nil && run.Load.Mode == results.ModeBatch:
		return fmt.Sprintf("%s makespan %.3fs, %d errors", head, run.Load.Makespan, run.Load.ErrorCount())
	case run.Load != nil:
		line := fmt.Sprintf("%s %.0f req/s, p99 %s, %d errors", head,
			run.Load.Throughput(), run.Load.Latency.Quantile(0.99), run.Load.ErrorCount())
		if b := run.Background; b != nil {
			line += fmt.Sprintf(", %d of %d idle connections held", b.Answered, b.Asked)
		}
		if run.Bound != nil {
			line += fmt.Sprintf(", %.0f%% of the bound", 100*run.Bound.Efficiency)
		}
		return line
	}
	return head
}

// Only keeps the targets named in names, in the file's order, and reports
// whether any is left. A name that is none of the scenario's targets is not
// an error: a suite's scenarios need not share their targets.
func (s *Scenario) Only(names []string) bool {
	s.Targets = slices.DeleteFunc(s.Targets, func(t TargetSpec) bool { return !slices.Contains(names, t.Name) })
	for name := range s.Load.ByTarget {
		if !slices.Contains(names, name) {
			delete(s.Load.ByTarget, name)
		}
	}
	for name := range s.Load.BackgroundByTarget {
		if !slices.Contains(names, name) {
			delete(s.Load.BackgroundByTarget, name)
		}
	}
	return len(s.Targets) > 0
}

// Scale overrides, when not zero, the repetitions, the measured duration
// and the warm-up of a closed or open scenario: for a quick look at a
// suite. Batch and idle scenarios keep their own, except repetitions.
func (s *Scenario) Scale(reps int, duration, warmup time.Duration) {
	if reps > 0 {
		s.Repetitions = reps
	}
	if s.Load.Mode != results.ModeClosed && s.Load.Mode != results.ModeOpen || len(s.Load.Phases) > 0 {
		return
	}
	if duration > 0 {
		s.Load.Duration = Duration(duration)
	}
	if warmup > 0 {
		s.Load.Warmup = Duration(warmup)
	}
}
