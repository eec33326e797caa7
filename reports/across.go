package reports

import (
	"fmt"
	"github.com/corobench/corobench/results"
	"strings"
	"time"
)

// acrossFindings compare the throughput scenarios with one another: which
// model wins each, and whose p99 moves most from one to another.
func (a *analysis) acrossFindings() []string {
	var ss []*scenario
	for _, s := range a.scenarios {
		if s.kind == results.KindThroughput && len(s.measured()) > 1 {
			ss = append(ss, s)
		}
	}
	if len(ss) < 2 {
		return nil
	}
	var out []string
	var wins []string
	same := true
	var first string
	for i, s := range ss {
		hi, _ := extremes(s.measured(), func(t *target) float64 { return t.rate })
		if hi == nil {
			continue
		}
		if i == 0 {
			first = hi.name
		}
		same = same && hi.name == first
		wins = append(wins, fmt.Sprintf("%s in %s", code(hi.name), escape(s.Name)))
	}
	if same && first != "" {
		out = append(out, fmt.Sprintf("%s answers the most requests in every throughput scenario.", code(first)))
	} else if len(wins) > 0 {
		out = append(out, "The fastest model depends on the work: "+strings.Join(wins, ", ")+".")
	}
	if s := a.p99Change(ss); s != "" {
		out = append(out, s)
	}
	return out
}

// p99Change finds the model whose p99 changes most between scenarios and
// the one that changes least.
func (a *analysis) p99Change(ss []*scenario) string {
	type move struct {
		model          string
		lo, hi         time.Duration
		loScen, hiScen string
		ratio          float64
	}
	var moves []move
	for _, m := range a.models {
		var mv move
		n := 0
		for _, s := range ss {
			t := s.find(m)
			if t == nil || t.latency == nil || t.latency.TotalCount() == 0 {
				continue
			}
			p := t.latency.Quantile(0.99)
			if n == 0 || p < mv.lo {
				mv.lo, mv.loScen = p, s.Name
			}
			if n == 0 || p > mv.hi {
				mv.hi, mv.hiScen = p, s.Name
			}
			n++
		}
		if n < 2 || mv.lo <= 0 {
			continue
		}
		mv.model, mv.ratio = m, float64(mv.hi)/float64(mv.lo)
		moves = append(moves, mv)
	}
	if len(moves) < 2 {
		return ""
	}
	most, least := moves[0], moves[0]
	for _, mv := range moves[1:] {
		if mv.ratio > most.ratio {
			most = mv
		}
		if mv.ratio < least.ratio {
			least = mv
		}
	}
	if most.ratio < notableChange || most.model == least.model {
		return ""
	}
	return fmt.Sprintf("%s's p99 moves the most: from %s in %s to %s in %s (%s), while %s stays between %s and %s.",
		code(most.model), fmtDuration(most.lo), escape(most.loScen), fmtDuration(most.hi), escape(most.hiScen), fmtRatio(most.ratio),
		code(least.model), fmtDuration(least.lo), fmtDuration(least.hi))
}
