package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/corobench/corobench/harness"
	"github.com/corobench/corobench/reports/compare"
	"github.com/corobench/corobench/results"
)

// abRunner runs one step of an A/B: the step's target under its scenario,
// once, with its side's build, and returns the run (a run that failed
// carries its Error; when ctx ends, what was measured so far). It is the
// seam between the A/B's policy (abPlan) and the processes it starts
// (processRunner).
type abRunner func(ctx context.Context, st compare.Step) results.Run

// abPlan is the pre-declared plan of an A/B and the policy that carries it
// out: every target gets pairs pairs in compare.Schedule's order (A B, B A,
// …); compare.Paired judges them; the targets still unclear then get the
// one extension to maxPairs pairs, and after it the verdict is final.
type abPlan struct {
	keys            []compare.Key
	pairs, maxPairs int
	sameBuild       bool // an A/A run: both sides run one build
	// same holds the targets that run the same on both sides although the
	// builds differ (what -a and -b name does not reach them): their rows
	// are the machine's noise, and do not fail the A/B.
	same map[compare.Key]bool
	opts []compare.Option
	log  io.Writer // one progress line per run
}

// abOutcome is what an A/B found.
type abOutcome struct {
	report *compare.Report
	// runs holds every run by target, pair and side: runs[key][pair][side].
	runs map[compare.Key][][2]*results.Run
	// extended lists the targets that got the extension.
	extended []compare.Key
	// interrupted is the context's error when the A/B was cut short.
	interrupted error
	sameBuild   bool
	same        map[compare.Key]bool
}

// run carries out the plan, one step at a time with runStep, until it is
// done or ctx ends.
func (p *abPlan) run(ctx context.Context, runStep abRunner) *abOutcome {
	o := &abOutcome{runs: map[compare.Key][][2]*results.Run{}, sameBuild: p.sameBuild, same: p.same}
	p.do(ctx, runStep, o, compare.Schedule(p.keys, 0, p.pairs), p.pairs)
	o.report = compare.Paired(o.sets(p.keys), p.opts...)
	// A target the same on both sides is noise: more pairs settle nothing.
	unclear := slices.DeleteFunc(o.report.Unclear(), func(k compare.Key) bool { return p.same[k] })
	if len(unclear) > 0 && p.maxPairs > p.pairs && ctx.Err() == nil {
		fmt.Fprintf(p.log, "ab: %d of %d targets unclear after %d pairs: the pre-declared extension to %d\n",
			len(unclear), len(p.keys), p.pairs, p.maxPairs)
		o.extended = unclear
		p.do(ctx, runStep, o, compare.Schedule(unclear, p.pairs, p.maxPairs), p.maxPairs)
		o.report = compare.Paired(o.sets(p.keys), p.opts...)
		o.report.Warnings = append(o.report.Warnings, fmt.Sprintf("%d targets were unclear after %d pairs and got the one extension to %d; this verdict is final",
			len(unclear), p.pairs, p.maxPairs))
	}
	if err := ctx.Err(); err != nil {
		o.interrupted = err
		o.report.Warnings = append(o.report.Warnings, "interrupted: the verdict covers the pairs finished")
	}
	if p.sameBuild {
		o.report.Warnings = append(o.report.Warnings, "A/A: both sides ran the same build, so any FAIL here is the machine's noise")
	}
	o.markSame()
	return o
}

// markSame says, on each row and once for the report, which targets ran the
// same on both sides although the builds differ.
func (o *abOutcome) markSame() {
	if len(o.same) == 0 {
		return
	}
	var names []string
	for i, row := range o.report.Rows {
		if o.same[compare.Key{Scenario: row.Scenario, Target: row.Target}] {
			o.report.Rows[i].Notes = append(o.report.Rows[i].Notes, "A/A: the same on both sides; its verdict is noise and fails nothing")
			if name := row.Scenario + " / " + row.Target; !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
	}
	o.report.Warnings = append(o.report.Warnings, fmt.Sprintf("A/A for %s: -a and -b do not reach these targets, so both sides ran the same "+
		"(an external target takes the builds through {build} in its command; models are served by this corobench "+
		"when the scenarios name {build}): their rows are the machine's noise and do not fail the A/B", strings.Join(names, ", ")))
}

// do runs the steps in order until ctx ends; total is the pairs planned,
// for the progress lines.
func (p *abPlan) do(ctx context.Context, runStep abRunner, o *abOutcome, steps []compare.Step, total int) {
	for _, st := range steps {
		if ctx.Err() != nil {
			return
		}
		run := runStep(ctx, st)
		run.Rep = st.Pair + 1
		for len(o.runs[st.Key]) <= st.Pair {
			o.runs[st.Key] = append(o.runs[st.Key], [2]*results.Run{})
		}
		o.runs[st.Key][st.Pair][st.Side] = &run
		fmt.Fprintf(p.log, "pair %d/%d %s %s / %s: %s\n", st.Pair+1, total, st.Side, st.Scenario, st.Target, runLine(&run))
	}
}

func runLine(r *results.Run) string {
	if r.Error != "" {
		return "error: " + r.Error
	}
	if r.Load == nil {
		return "no load measured"
	}
	return fmt.Sprintf("%.0f req/s, p99 %s, %d errors", r.Load.Throughput(), r.Load.Latency.Quantile(0.99), r.Load.ErrorCount())
}

// sets gives the complete pairs of every key.
func (o *abOutcome) sets(keys []compare.Key) []compare.PairSet {
	var sets []compare.PairSet
	for _, k := range keys {
		set := compare.PairSet{Key: k}
		for _, p := range o.runs[k] {
			if p[compare.A] != nil && p[compare.B] != nil {
				set.Pairs = append(set.Pairs, compare.Pair{A: p[compare.A], B: p[compare.B]})
			}
		}
		sets = append(sets, set)
	}
	return sets
}

// err is the outcome as the command's answer: the context's error when the
// A/B was interrupted, errRegression when B fails against A (never in an
// A/A run or for a target the same on both sides, whose failures are the
// machine's noise), errExpectation when B breaks a scenario's expect, else
// nil.
func (o *abOutcome) err() error {
	if o.interrupted != nil {
		return o.interrupted
	}
	if !o.sameBuild {
		for _, row := range o.report.Rows {
			if row.Verdict == compare.Fail && !o.same[compare.Key{Scenario: row.Scenario, Target: row.Target}] {
				return errRegression
			}
		}
	}
	return gatesError(o.report.Gates)
}

// gates checks the scenarios' expectations against B's runs: the build
// under test must meet them, whatever A did.
func (o *abOutcome) gates(suite []*harness.Scenario) []results.Gate {
	var gates []results.Gate
	for _, s := range suite {
		out := results.Scenario{Name: s.Name}
		for _, t := range s.Targets {
			for _, p := range o.runs[compare.Key{Scenario: s.Name, Target: t.Name}] {
				if p[compare.B] != nil {
					out.Runs = append(out.Runs, *p[compare.B])
				}
			}
		}
		gates = append(gates, s.Gates(out)...)
	}
	return gates
}
