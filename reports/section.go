package reports

import (
	"fmt"
	"slices"
	"strings"

	"github.com/corobench/corobench/results"
)

// loadLine describes the load a scenario sent, from its first measured run.
func (s *scenario) loadLine() string {
	var parts []string
	parts = append(parts, s.kind)
	var l *results.Load
	var nets []string // the chat rooms' transports, each once
	reps := 0
	for _, t := range s.targets {
		reps = max(reps, len(t.runs))
		for _, r := range t.ok {
			if l == nil && r.Load != nil {
				l = r.Load
			}
			if r.Load != nil && r.Load.Chat != nil && !slices.Contains(nets, r.Load.Chat.Net) {
				nets = append(nets, r.Load.Chat.Net)
			}
		}
	}
	if l != nil {
		switch l.Mode {
		case results.ModeClosed:
			parts = append(parts, fmt.Sprintf("closed loop, %s", plural(l.Conns, "connection")))
		case results.ModeOpen:
			parts = append(parts, fmt.Sprintf("open loop at %s req/s over %s", fmtRate(l.Rate), plural(l.Conns, "connection")))
		case results.ModeBatch:
			parts = append(parts, fmt.Sprintf("batch over %s", plural(l.Conns, "connection")))
		case results.ModeChat:
			parts = append(parts, chatLoadLine(l, nets))
		default:
			parts = append(parts, escape(l.Mode))
		}
		if l.Mode != results.ModeBatch && l.Elapsed > 0 {
			parts = append(parts, fmtSeconds(l.Elapsed)+" measured per run")
		}
	}
	parts = append(parts, plural(reps, "repetition"))
	if s.PinTarget != "" || s.PinClient != "" {
		parts = append(parts, pinText(s.PinTarget, s.PinClient))
	}
	if s.File != "" {
		parts = append(parts, code(s.File))
	}
	return strings.Join(parts, " · ")
}

// repsCell is "3", or "2 of 3" when some repetitions failed.
func (t *target) repsCell() string {
	if t.failed == 0 {
		return fmt.Sprint(len(t.ok))
	}
	return fmt.Sprintf("%d of %d", len(t.ok), len(t.runs))
}

// spreadCell is the spread of repetitions xs around their median m,
// "±2.1%", or nothing for one repetition.
func spreadCell(xs []float64, m float64) string {
	if len(xs) < 2 {
		return ""
	}
	return " ±" + fmtPercent(spread(xs, m))
}

// boundCell is the efficiency against the bound: "87% of 2,000".
func (t *target) boundCell(kind string) string {
	e := t.efficiency(kind)
	if e == 0 {
		return dash
	}
	if kind == results.KindBatch {
		return fmtPercent(e) + " of " + fmtSeconds(t.bound.Makespan)
	}
	return fmtPercent(e) + " of " + fmtRate(t.bound.Throughput)
}

func (t *target) quantile(q float64) string {
	if t.latency == nil || t.latency.TotalCount() == 0 {
		return dash
	}
	return fmtDuration(t.latency.Quantile(q))
}

// mainTable is the scenario's table of throughput (or makespan), bound,
// latency and errors.
func (a *analysis) mainTable(s *scenario) *table {
	first := r("req/s (median)")
	if s.kind == results.KindBatch {
		first = r("makespan (median)")
	}
	if s.isChat() {
		first = r("deliveries/s (median)")
	}
	cols := []column{l("model"), first, r("reps"), r("of bound"), r("p50"), r("p90"), r("p99"), r("p99.9"), r("max"), r("errors")}
	files := s.kind == results.KindThroughput && movesFiles(s)
	if files {
		cols = append(cols, r("MiB/s (median)"))
	}
	tb := newTable(cols...)
	for _, t := range s.targets {
		name := a.modelCell(s, t.name)
		if len(t.ok) == 0 {
			tb.add(name, "failed", t.repsCell())
			continue
		}
		value := fmtRate(t.rate) + spreadCell(t.rates, t.rate)
		if s.kind == results.KindBatch {
			value = dash
			if t.makespan > 0 {
				value = fmtSeconds(t.makespan) + spreadCell(t.makespans, t.makespan)
			}
		}
		cells := []string{name, value, t.repsCell(), t.boundCell(s.kind),
			t.quantile(0.5), t.quantile(0.9), t.quantile(0.99), t.quantile(0.999), t.quantile(1),
			fmtInt(t.errors)}
		if files {
			cells = append(cells, fmtMiBs(t.byteRate)+spreadCell(t.byteRates, t.byteRate))
		}
		tb.add(cells...)
	}
	return tb
}

// FileAnswerBytes is the mean answer, on the wire, from which a scenario
// is one that moves files (files-transfer): its table then gives the
// bytes per second beside the requests, which say little when each
// answer is megabytes.
const FileAnswerBytes = 64 << 10

// movesFiles reports whether some target's answers average at least
// FileAnswerBytes.
func movesFiles(s *scenario) bool {
	for _, t := range s.targets {
		if t.answerBytes >= FileAnswerBytes {
			return true
		}
	}
	return false
}

// fmtMiBs formats bytes per second as MiB/s, three significant digits.
func fmtMiBs(b float64) string { return fmtRate(b / (1 << 20)) }

// resourceTable is the target processes' CPU, memory, threads and
// processes; nil when no run recorded them.
func (a *analysis) resourceTable(s *scenario) *table {
	any := false
	for _, t := range s.targets {
		any = any || t.hasRes
	}
	if !any {
		return nil
	}
	tb := newTable(l("model"), r("target CPU / request"), r("peak RSS"), r("peak PSS"), r("threads"), r("processes"))
	for _, t := range s.targets {
		if !t.hasRes {
			tb.add(a.modelCell(s, t.name))
			continue
		}
		cpu := dash
		if t.cpuPerReq > 0 {
			cpu = fmtMicros(t.cpuPerReq)
		}
		tb.add(a.modelCell(s, t.name), cpu, bytesCell(t.peakRSS), bytesCell(t.peakPSS), countCell(t.threads), countCell(t.procs))
	}
	return tb
}

// idleTable is the memory of idle connections (C10K).
func (a *analysis) idleTable(s *scenario) *table {
	tb := newTable(l("model"), r("idle connections"), r("RSS before"), r("RSS with them"), r("PSS before"), r("PSS with them"), r("per connection"))
	for _, t := range s.targets {
		i := t.idle
		if i == nil {
			tb.add(a.modelCell(s, t.name), "failed")
			continue
		}
		conns := fmtInt(int64(i.Conns))
		if i.Asked > i.Conns {
			conns += " of " + fmtInt(int64(i.Asked))
		}
		if i.Touched && i.Answered < i.Conns {
			conns += ", " + fmtInt(int64(i.Answered)) + " answered"
		}
		tb.add(a.modelCell(s, t.name), conns, bytesCell(i.BaseRSS), bytesCell(i.RSS), bytesCell(i.BasePSS), bytesCell(i.PSS), fmtBytes(t.idlePerConn))
	}
	return tb
}

func bytesCell(b int64) string {
	if b <= 0 {
		return dash
	}
	return fmtBytes(float64(b))
}

func countCell(n int) string {
	if n <= 0 {
		return dash
	}
	return fmtInt(int64(n))
}

// modelCell is a model's name in a table, marked when caveats concern it.
func (a *analysis) modelCell(s *scenario, name string) string {
	for _, c := range a.caveats() {
		if c.scenario == s && c.target == name {
			return escape(name) + " ⚠"
		}
	}
	return escape(name)
}
