package reports

import (
	"fmt"
	"github.com/corobench/corobench/results"
	"slices"
	"strings"
	"time"
)

// Thresholds below which a difference is not worth a sentence.
const (
	nearBound     = 0.9 // "within 10% of its bound"
	farFromBound  = 0.5 // "only 40% of its bound"
	notableRatio  = 1.5 // CPU per request, memory
	notableTail   = 10  // p99.9 over p50
	notableChange = 2   // p99 across scenarios
)

// findings are a few sentences on one scenario, each computed from its
// numbers; none when there is too little to compare.
func (s *scenario) findings() []string {
	ts := s.measured()
	if len(ts) == 0 {
		return nil
	}
	switch s.kind {
	case results.KindIdle:
		return s.idleFindings(ts)
	case results.KindBatch:
		return s.batchFindings(ts)
	}
	var out []string
	hi, lo := extremes(ts, func(t *target) float64 { return t.rate })
	switch {
	case hi != lo && s.isChat():
		out = append(out, fmt.Sprintf("%s delivers the most, %s messages/s; %s the fewest, %s messages/s (%s of the best).",
			code(hi.name), fmtRate(hi.rate), code(lo.name), fmtRate(lo.rate), fmtFraction(lo.rate/hi.rate)))
	case hi != lo:
		out = append(out, fmt.Sprintf("%s answers the most, %s req/s; %s the fewest, %s req/s (%s of the best).",
			code(hi.name), fmtRate(hi.rate), code(lo.name), fmtRate(lo.rate), fmtFraction(lo.rate/hi.rate)))
	}
	out = append(out, boundFindings(ts, s.kind)...)
	out = append(out, latencyFindings(ts)...)
	out = append(out, resourceFindings(ts)...)
	out = append(out, s.startFindings(ts)...)
	return out
}

// measured are the targets with at least one measured repetition.
func (s *scenario) measured() []*target {
	var ts []*target
	for _, t := range s.targets {
		if len(t.ok) > 0 {
			ts = append(ts, t)
		}
	}
	return ts
}

// extremes returns the targets with the highest and lowest positive value
// of f; the first in display order wins a tie. Both nil if none.
func extremes(ts []*target, f func(*target) float64) (hi, lo *target) {
	for _, t := range ts {
		v := f(t)
		if v <= 0 {
			continue
		}
		if hi == nil || v > f(hi) {
			hi = t
		}
		if lo == nil || v < f(lo) {
			lo = t
		}
	}
	return hi, lo
}

func boundFindings(ts []*target, kind string) []string {
	var near []string
	var out []string
	eff := func(t *target) float64 { return t.efficiency(kind) }
	for _, t := range ts {
		if e := eff(t); e >= nearBound {
			near = append(near, code(t.name))
		}
	}
	if len(near) > 0 {
		verb, their := "come", "their"
		if len(near) == 1 {
			verb, their = "comes", "its"
		}
		out = append(out, fmt.Sprintf("%s %s within %s of %s bound.", list(near), verb, fmtPercent(1-nearBound), their))
	}
	if _, lo := extremes(ts, eff); lo != nil && eff(lo) < farFromBound {
		out = append(out, fmt.Sprintf("%s reaches only %s of its bound (%s-bound, parallelism %d): it leaves %s on the table.",
			code(lo.name), fmtPercent(eff(lo)), lo.bound.Limit, lo.bound.Parallelism, limitWord(lo.bound.Limit)))
	}
	return out
}

func limitWord(limit string) string {
	switch limit {
	case "cpu":
		return "cores"
	case "wait":
		return "overlap of waits"
	case "rate":
		return "offered load"
	}
	return "capacity"
}

func latencyFindings(ts []*target) []string {
	var out []string
	p := func(q float64) func(*target) float64 {
		return func(t *target) float64 {
			if t.latency == nil || t.latency.TotalCount() == 0 {
				return 0
			}
			return float64(t.latency.Quantile(q))
		}
	}
	p99 := p(0.99)
	if hi, lo := extremes(ts, p99); hi != lo {
		out = append(out, fmt.Sprintf("p99 ranges from %s (%s) to %s (%s).",
			fmtDuration(time.Duration(p99(lo))), code(lo.name), fmtDuration(time.Duration(p99(hi))), code(hi.name)))
	}
	tail := func(t *target) float64 {
		if p(0.5)(t) <= 0 {
			return 0
		}
		return p(0.999)(t) / p(0.5)(t)
	}
	if hi, _ := extremes(ts, tail); hi != nil && tail(hi) >= notableTail {
		out = append(out, fmt.Sprintf("%s has the longest tail: its p99.9 (%s) is %s its median (%s).",
			code(hi.name), fmtDuration(time.Duration(p(0.999)(hi))), fmtRatio(tail(hi)), fmtDuration(time.Duration(p(0.5)(hi)))))
	}
	return out
}

func resourceFindings(ts []*target) []string {
	var out []string
	cpu := func(t *target) float64 { return t.cpuPerReq }
	if hi, lo := extremes(ts, cpu); hi != lo && cpu(hi) >= notableRatio*cpu(lo) {
		out = append(out, fmt.Sprintf("%s spends the most target CPU per request, %s, %s what %s spends (%s).",
			code(hi.name), fmtMicros(cpu(hi)), fmtRatio(cpu(hi)/cpu(lo)), code(lo.name), fmtMicros(cpu(lo))))
	}
	mem := func(t *target) float64 { return float64(max(t.peakPSS, 0)) }
	what := "PSS"
	if hi, _ := extremes(ts, mem); hi == nil {
		mem, what = func(t *target) float64 { return float64(t.peakRSS) }, "RSS"
	}
	if hi, lo := extremes(ts, mem); hi != lo && mem(hi) >= notableRatio*mem(lo) {
		out = append(out, fmt.Sprintf("%s needs the most memory, %s peak %s; %s the least, %s.",
			code(hi.name), fmtBytes(mem(hi)), what, code(lo.name), fmtBytes(mem(lo))))
	}
	return out
}

func (s *scenario) batchFindings(ts []*target) []string {
	var out []string
	ms := func(t *target) float64 { return t.makespan }
	if slow, fast := extremes(ts, ms); slow != fast {
		out = append(out, fmt.Sprintf("%s finishes the batch first, in %s; %s last, in %s (%s as long).",
			code(fast.name), fmtSeconds(fast.makespan), code(slow.name), fmtSeconds(slow.makespan), fmtRatio(slow.makespan/fast.makespan)))
	}
	out = append(out, boundFindings(ts, s.kind)...)
	out = append(out, resourceFindings(ts)...)
	return out
}

func (s *scenario) idleFindings(ts []*target) []string {
	pc := func(t *target) float64 { return t.idlePerConn }
	served := slices.DeleteFunc(slices.Clone(ts), func(t *target) bool { return t.idleUnserved })
	hi, lo := extremes(served, pc)
	if hi == nil || hi == lo {
		return nil
	}
	return []string{fmt.Sprintf("%s holds an idle connection in %s; %s needs %s, %s as much. At 10,000 connections that is %s against %s.",
		code(lo.name), fmtBytes(pc(lo)), code(hi.name), fmtBytes(pc(hi)), fmtRatio(pc(hi)/pc(lo)),
		fmtBytes(pc(lo)*10000), fmtBytes(pc(hi)*10000))}
}

// list joins names as "a", "a and b", "a, b and c".
func list(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
