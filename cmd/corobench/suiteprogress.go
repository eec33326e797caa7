package main

import (
	"fmt"
	"io"
	"time"

	"github.com/corobench/corobench/harness"
	"github.com/corobench/corobench/results"
)

// progress shows where a suite is: a live line with a bar on a terminal, a
// plain line per run otherwise. The time left is the planned time of the
// runs left, scaled by how the runs so far compared with their plan.
type progress struct {
	w        io.Writer
	line     *liveLine                // nil when w is not a terminal
	desc     string                   // what runs now, on the live line
	estimate map[string]time.Duration // per run, by scenario name
	total    int
	done     int
	planned  time.Duration // planned time of the runs left
	spent    time.Duration // planned time of the runs done
	start    time.Time
	scenario string
}

func newProgress(w io.Writer, suite []*harness.Scenario) *progress {
	p := &progress{w: w, line: newLiveLine(w), estimate: map[string]time.Duration{}, start: time.Now()}
	for _, s := range suite {
		p.estimate[s.Name] = s.Estimate()
		p.total += s.Runs()
		p.planned += time.Duration(s.Runs()) * s.Estimate()
	}
	return p
}

// Begin implements harness.Progress.
func (p *progress) Begin(scenario, target string, rep, reps int) {
	p.scenario = scenario
	elapsed := time.Since(p.start)
	left := p.planned
	if p.spent > 0 {
		left = time.Duration(float64(p.planned) * float64(elapsed) / float64(p.spent))
	}
	line := fmt.Sprintf("%s / %s / rep %d of %d — %s elapsed, ~%s left",
		scenario, target, rep, reps, elapsed.Round(time.Second), left.Round(time.Second))
	if p.line != nil {
		p.desc = line
		p.line.show(suiteLine(p.done, p.total, p.desc))
		return
	}
	fmt.Fprintf(p.w, "[%d/%d] %s\n", p.done+1, p.total, line)
}

// End implements harness.Progress.
func (p *progress) End(run results.Run) {
	p.done++
	est := p.estimate[p.scenario]
	p.planned -= est
	p.spent += est
	if p.line != nil {
		p.line.clear()
		fmt.Fprintln(p.w, harness.RunLine(p.scenario, run))
		p.line.show(suiteLine(p.done, p.total, p.desc))
		return
	}
	fmt.Fprintln(p.w, "  ", harness.RunLine(p.scenario, run))
}

// finish clears the live line.
func (p *progress) finish() {
	if p.line != nil {
		p.line.clear()
	}
}
