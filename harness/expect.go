package harness

import (
	"strings"

	"github.com/corobench/corobench/results"
)

// validateExpect checks one gate of the file: that it parses, and that the
// scenario's load mode measures its metric (a batch has no req/s, an idle
// run no latency), so that a gate cannot fail for want of a number.
func (s *Scenario) validateExpect(bad func(key, format string, args ...any), key, text string) {
	e, err := results.ParseExpectation(text)
	if err != nil {
		bad(key, "%s", strings.TrimPrefix(err.Error(), results.ErrExpectation.Error()+" "))
		return
	}
	if !MeasuredIn(e.Metric, s.Load.Mode) {
		bad(key, "%s is not measured in load mode %s", e.Metric, s.Load.Mode)
	}
}

// MeasuredIn reports whether a run of load mode measures metric (a name
// that results.ParseExpectation accepts).
func MeasuredIn(metric, mode string) bool {
	switch metric {
	case results.MetricFailed:
		return true
	case results.MetricIdle:
		return mode == results.ModeIdle
	case results.MetricMakespan:
		return mode == results.ModeBatch
	case results.MetricThroughput:
		return mode == results.ModeClosed || mode == results.ModeOpen || mode == results.ModeChat
	}
	return mode != results.ModeIdle // latency, errors, cpu/req
}

// Expectations are the gates of one target: the scenario's, then its own.
// The file was checked when it was read, so every one parses.
func (s *Scenario) Expectations(target string) []results.Expectation {
	texts := s.Expect
	for _, t := range s.Targets {
		if t.Name == target {
			texts = append(texts[:len(texts):len(texts)], t.Expect...)
		}
	}
	var out []results.Expectation
	for _, text := range texts {
		if e, err := results.ParseExpectation(text); err == nil {
			out = append(out, e)
		}
	}
	return out
}

// Gates checks the scenario's expectations against its results, target by
// target in the file's order. A target that was skipped (its check failed)
// is not gated.
func (s *Scenario) Gates(out results.Scenario) []results.Gate {
	var gates []results.Gate
	for _, t := range s.Targets {
		var runs []*results.Run
		skipped := false
		for i := range out.Runs {
			r := &out.Runs[i]
			if r.Target != t.Name {
				continue
			}
			if strings.HasPrefix(r.Error, SkippedPrefix) {
				skipped = true
			}
			runs = append(runs, r)
		}
		if skipped || len(runs) == 0 {
			continue
		}
		for _, e := range s.Expectations(t.Name) {
			gates = append(gates, e.Check(s.Name, t.Name, runs))
		}
	}
	return gates
}
