package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/corobench/corobench/results"
	"github.com/corobench/corobench/scenarios"
)

// progress shows where a suite is: a bar on a terminal, a plain line per run
// otherwise. The time left is the planned time of the runs left, scaled by
// how the runs so far compared with their plan.
type progress struct {
	w        io.Writer
	bar      *progressbar.ProgressBar // nil when w is not a terminal
	estimate map[string]time.Duration // per run, by scenario name
	total    int
	done     int
	planned  time.Duration // planned time of the runs left
	spent    time.Duration // planned time of the runs done
	start    time.Time
	scenario string
}

func newProgress(w io.Writer, suite []*scenarios.Scenario) *progress {
	p := &progress{w: w, estimate: map[string]time.Duration{}, start: time.Now()}
	for _, s := range suite {
		p.estimate[s.Name] = s.Estimate()
		p.total += s.Runs()
		p.planned += time.Duration(s.Runs()) * s.Estimate()
	}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.bar = progressbar.NewOptions(p.total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionShowCount(),
			progressbar.OptionSetWidth(20),
			progressbar.OptionClearOnFinish())
	}
	return p
}

// Begin implements scenarios.Progress.
func (p *progress) Begin(scenario, target string, rep, reps int) {
	p.scenario = scenario
	elapsed := time.Since(p.start)
	left := p.planned
	if p.spent > 0 {
		left = time.Duration(float64(p.planned) * float64(elapsed) / float64(p.spent))
	}
	line := fmt.Sprintf("%s / %s / rep %d of %d — %s elapsed, ~%s left",
		scenario, target, rep, reps, elapsed.Round(time.Second), left.Round(time.Second))
	if p.bar != nil {
		p.bar.Describe(line)
		return
	}
	fmt.Fprintf(p.w, "[%d/%d] %s\n", p.done+1, p.total, line)
}

// End implements scenarios.Progress.
func (p *progress) End(run results.Run) {
	p.done++
	est := p.estimate[p.scenario]
	p.planned -= est
	p.spent += est
	if p.bar != nil {
		p.bar.Clear()
		fmt.Fprintln(p.w, scenarios.RunLine(p.scenario, run))
		p.bar.Add(1)
		return
	}
	fmt.Fprintln(p.w, "  ", scenarios.RunLine(p.scenario, run))
}

// finish clears the bar.
func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
