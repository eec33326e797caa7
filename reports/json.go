package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/corobench/corobench/results"
)

// Summary is the machine-readable digest of a report: the numbers of its
// tables, without the histograms. `corobench report -format json` writes it.
type Summary struct {
	Env       results.Env       `json:"env"`
	Scenarios []ScenarioSummary `json:"scenarios"`
	Caveats   []CaveatSummary   `json:"caveats,omitempty"`
}

// CaveatSummary is one caveat, in plain text.
type CaveatSummary struct {
	Scenario string `json:"scenario,omitempty"` // "": the whole suite
	Target   string `json:"target,omitempty"`   // "": the whole scenario
	Text     string `json:"text"`
}

// ScenarioSummary is one scenario's table.
type ScenarioSummary struct {
	Name     string          `json:"name"`
	Kind     string          `json:"kind"`
	Targets  []TargetSummary `json:"targets"`
	Findings []string        `json:"findings,omitempty"` // plain text
}

// TargetSummary is one target's row: medians over its measured
// repetitions, latency in µs from all of them merged.
type TargetSummary struct {
	Target      string  `json:"target"`
	Repetitions int     `json:"repetitions"`
	Failed      int     `json:"failed,omitempty"`
	Throughput  float64 `json:"throughput,omitempty"` // req/s, median
	Spread      float64 `json:"spread,omitempty"`     // largest distance from the median, fraction
	Makespan    float64 `json:"makespan_s,omitempty"`
	Efficiency  float64 `json:"efficiency,omitempty"` // of the bound, 1 = the bound
	P50         int64   `json:"p50_us,omitempty"`
	P90         int64   `json:"p90_us,omitempty"`
	P99         int64   `json:"p99_us,omitempty"`
	P999        int64   `json:"p999_us,omitempty"`
	Max         int64   `json:"max_us,omitempty"`
	Errors      int64   `json:"errors"`
	CPUPerReq   float64 `json:"cpu_per_request_us,omitempty"`
	PeakRSS     int64   `json:"peak_rss,omitempty"`
	PeakPSS     int64   `json:"peak_pss,omitempty"`
	Threads     int     `json:"threads,omitempty"`
	Processes   int     `json:"processes,omitempty"`
	IdlePerConn float64 `json:"idle_bytes_per_conn,omitempty"`
}

// Summarize computes the summary of f.
func Summarize(f *results.File) *Summary {
	a := analyze(f)
	out := &Summary{Env: f.Env, Scenarios: []ScenarioSummary{}}
	for _, s := range a.scenarios {
		ss := ScenarioSummary{Name: s.Name, Kind: s.kind, Targets: []TargetSummary{}}
		for _, f := range s.findings() {
			ss.Findings = append(ss.Findings, plain(f))
		}
		for _, t := range s.targets {
			ts := TargetSummary{
				Target: t.name, Repetitions: len(t.ok), Failed: t.failed,
				Throughput: t.rate, Spread: t.spread, Makespan: t.makespan, Efficiency: t.efficiency(s.kind),
				Errors: t.errors, CPUPerReq: t.cpuPerReq, PeakRSS: t.peakRSS, PeakPSS: t.peakPSS,
				Threads: t.threads, Processes: t.procs, IdlePerConn: t.idlePerConn,
			}
			if h := t.latency; h != nil && h.TotalCount() > 0 {
				ts.P50, ts.P90, ts.P99 = h.ValueAtQuantile(50), h.ValueAtQuantile(90), h.ValueAtQuantile(99)
				ts.P999, ts.Max = h.ValueAtQuantile(99.9), h.Max()
			}
			ss.Targets = append(ss.Targets, ts)
		}
		out.Scenarios = append(out.Scenarios, ss)
	}
	for _, c := range a.caveats() {
		cs := CaveatSummary{Target: c.target, Text: plain(c.text)}
		if c.scenario != nil {
			cs.Scenario = c.scenario.Name
		}
		out.Caveats = append(out.Caveats, cs)
	}
	return out
}

// plain is markdown text as plain text: without the marks of code and bold,
// and with escaped characters unescaped.
func plain(md string) string {
	var b strings.Builder
	for i := 0; i < len(md); i++ {
		switch {
		case md[i] == '\\' && i+1 < len(md):
			i++
			b.WriteByte(md[i])
		case md[i] == '`':
		case strings.HasPrefix(md[i:], "**"):
			i++
		default:
			b.WriteByte(md[i])
		}
	}
	return b.String()
}

// WriteJSON writes the summary of f as indented JSON and returns the first
// write error.
func WriteJSON(w io.Writer, f *results.File) error {
	data, err := json.MarshalIndent(Summarize(f), "", "  ")
	if err != nil {
		return fmt.Errorf("reports: summary: %w", err)
	}
	if _, err := w.Write(append(data, '\n')); err != nil {
		return fmt.Errorf("reports: summary: %w", err)
	}
	return nil
}
