package reports

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/corobench/corobench/results"
)

// MinRepetitions is the fewest repetitions whose spread tells noise from a
// difference; fewer is a caveat.
const MinRepetitions = 3

// Tolerances before a value beyond its bound is a caveat: the bound is
// exact, the measurement has the granularity of its clocks.
const boundTolerance = 0.02

// caveat is one thing a reader must know before trusting a number.
type caveat struct {
	scenario *scenario // nil: the whole suite
	target   string    // "": the whole scenario
	text     string
}

func (c caveat) String() string {
	var b strings.Builder
	if c.scenario != nil {
		b.WriteString(bold(escape(c.scenario.Name)))
		if c.target != "" {
			b.WriteString(" · " + code(c.target))
		}
		b.WriteString(": ")
	}
	b.WriteString(c.text)
	return b.String()
}

// computeCaveats collects every caveat carried in or implied by the results.
func (a *analysis) computeCaveats() []caveat {
	var out []caveat
	for _, w := range a.file.Warnings {
		out = append(out, caveat{text: escape(w)})
	}
	clientCores := a.file.Env.Cores
	// Scenarios with too few repetitions for the same targets share one
	// caveat: a short suite would otherwise say it once a scenario.
	var fewKeys []string
	fewScenarios := map[string][]string{}
	for _, s := range a.scenarios {
		cores := clientCores
		if s.PinClient != "" {
			cores = cpuCount(s.PinClient)
		}
		var few []string
		for _, t := range s.targets {
			// The same caveat in several repetitions is said once.
			var texts []string
			reps := map[string][]string{}
			for _, r := range t.runs {
				for _, text := range runCaveats(s, t, &r, cores) {
					if reps[text] == nil {
						texts = append(texts, text)
					}
					reps[text] = append(reps[text], fmt.Sprint(r.Rep))
				}
			}
			for _, text := range texts {
				word := "rep "
				if len(reps[text]) > 1 {
					word = "reps "
				}
				out = append(out, caveat{s, t.name, word + list(reps[text]) + ": " + text})
			}
			if len(t.ok) > 0 && len(t.ok) < MinRepetitions {
				few = append(few, code(t.name))
			}
			if len(t.ok) == 0 {
				out = append(out, caveat{s, t.name, "no repetition measured anything; the target is left out of charts and findings"})
			}
		}
		if len(few) > 0 {
			key := strings.Join(few, ", ")
			if fewScenarios[key] == nil {
				fewKeys = append(fewKeys, key)
			}
			fewScenarios[key] = append(fewScenarios[key], bold(escape(s.Name)))
		}
	}
	for _, key := range fewKeys {
		out = append(out, caveat{text: fmt.Sprintf("%s: fewer than %d measured repetitions for %s: the spread is not known well enough to tell a small difference from noise",
			list(fewScenarios[key]), MinRepetitions, key)})
	}
	return out
}

// runCaveats are one run's caveats: failures, warnings, and values the
// numbers themselves call suspect.
func runCaveats(s *scenario, t *target, r *results.Run, clientCores int) []string {
	var out []string
	seen := map[string]bool{}
	note := func(text string) {
		if !seen[text] {
			seen[text] = true
			out = append(out, text)
		}
	}
	if r.Error != "" {
		if r.Load == nil && r.Idle == nil {
			note("failed: " + escape(r.Error))
		} else {
			note("the target failed during the run (numbers are partial): " + escape(r.Error))
		}
	}
	if r.Remote {
		note("a remote target: not started or sampled here, so its CPU and memory columns are empty")
	}
	warnings := slices.Clone(r.Warnings)
	if r.Load != nil {
		warnings = append(warnings, r.Load.Warnings...)
	}
	mentionsClient := false
	for _, w := range warnings {
		note(escape(w))
		mentionsClient = mentionsClient || strings.Contains(strings.ToLower(w), "client")
	}
	if l := r.Load; l != nil {
		if l.Dropped > 0 {
			note(fmt.Sprintf("%s sends dropped: no free connection when they were due", fmtInt(l.Dropped)))
		}
		if unfinishedWorthSaying(l) {
			note(fmt.Sprintf("%s still unanswered when the run ended", plural(int(l.Unfinished), "request")))
		}
		if n := l.ErrorCount(); n > 0 {
			var kinds []string
			for _, k := range slices.Sorted(maps.Keys(l.Errors)) {
				if l.Errors[k] > 0 {
					kinds = append(kinds, fmt.Sprintf("%s %s", escape(k), fmtInt(l.Errors[k])))
				}
			}
			note(fmt.Sprintf("%s failed requests (%s)", fmtInt(n), strings.Join(kinds, ", ")))
		}
		if b := r.Bound; b != nil && b.Throughput > 0 && s.kind == results.KindThroughput && l.Throughput() > b.Throughput*(1+boundTolerance) {
			note(fmt.Sprintf("%s req/s is above its bound of %s (%s-bound, parallelism %d): a measurement or bound bug", fmtRate(l.Throughput()), fmtRate(b.Throughput), escape(b.Limit), b.Parallelism))
		}
		if b := r.Bound; b != nil && b.Makespan > 0 && l.Makespan > 0 && l.Makespan < b.Makespan*(1-boundTolerance) {
			note(fmt.Sprintf("makespan %s is below its bound of %s: a measurement or bound bug", fmtSeconds(l.Makespan), fmtSeconds(b.Makespan)))
		}
		if busy := clientShare(l, clientCores); !mentionsClient && busy >= results.ClientBoundShare {
			note(fmt.Sprintf("the load generator used %s of its %s: the number may be client-bound", fmtPercent(busy), plural(clientCores, "CPU")))
		}
	}
	if i := r.Idle; i != nil && i.Asked > i.Conns {
		note(fmt.Sprintf("held only %s of the %s idle connections asked", fmtInt(int64(i.Conns)), fmtInt(int64(i.Asked))))
	}
	return out
}

// clientShare is the share of its CPUs the load generator used.
func clientShare(l *results.Load, cores int) float64 {
	if l.Elapsed <= 0 || cores <= 0 {
		return 0
	}
	return (l.ClientUser + l.ClientSys) / l.Elapsed / float64(cores)
}

// cpuCount counts the CPUs of a list such as "0", "1-3" or "0,2-3".
func cpuCount(list string) int {
	n := 0
	for _, part := range strings.Split(list, ",") {
		var lo, hi int
		if _, err := fmt.Sscanf(part, "%d-%d", &lo, &hi); err == nil && hi >= lo {
			n += hi - lo + 1
		} else if strings.TrimSpace(part) != "" {
			n++
		}
	}
	return max(n, 1)
}

// caveats are the report's caveats, computed once.
func (a *analysis) caveats() []caveat { return a.cav }

// unfinishedWorthSaying reports whether a run's unanswered requests are a
// caveat of their own: not when the load generator's warnings already
// speak of them, nor when they are only a closed loop's requests in flight
// at the end (one a connection, or one a pipelined slot).
func unfinishedWorthSaying(l *results.Load) bool {
	if l.Unfinished == 0 {
		return false
	}
	for _, w := range l.Warnings {
		if strings.HasPrefix(w, "unfinished:") {
			return false
		}
	}
	return l.Mode != results.ModeClosed || l.Unfinished > int64(l.Conns*max(1, l.Pipeline))
}
