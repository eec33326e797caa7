// Package reports turns a results file into what people read: markdown
// tables, and (later) charts and regression verdicts. Rendering is a pure
// function of the results, so re-rendering old results gives the same report.
package reports

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/corobench/corobench/results"
	"github.com/montanaflynn/stats"
)

// Markdown writes the report of f to w and returns the first write error.
func Markdown(w io.Writer, f *results.File) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	p("# corobench report\n\n")
	e := f.Env
	p("%s, %d cores, %s, %s %s/%s", orUnknown(e.CPU), e.Cores, orUnknown(e.Kernel), e.GoVersion, e.OS, e.Arch)
	if e.Commit != "" {
		p(", commit %s", e.Commit)
	}
	p(". Work rate %.0f units/µs. Started %s, took %s.\n\n",
		e.CPURate, f.Started.UTC().Format(time.RFC3339), f.Finished.Sub(f.Started).Round(time.Second))
	for _, s := range f.Scenarios {
		p("## %s\n\n", s.Name)
		if s.Description != "" {
			p("%s\n\n", strings.TrimSpace(s.Description))
		}
		p("| model | req/s | p50 | p99 | p99.9 | errors |\n")
		p("|---|--:|--:|--:|--:|--:|\n")
		for _, row := range summarize(s.Runs) {
			p("| %s | %s | %s | %s | %s | %s |\n", row.target, row.reqs, row.p50, row.p99, row.p999, row.errors)
		}
		p("\n")
		var notes []string
		for _, r := range s.Runs {
			for _, w := range r.Warnings {
				notes = append(notes, fmt.Sprintf("%s (rep %d): %s", r.Target, r.Rep, w))
			}
			if r.Error != "" {
				notes = append(notes, fmt.Sprintf("%s (rep %d): %s", r.Target, r.Rep, r.Error))
			}
		}
		if len(notes) > 0 {
			p("Caveats:\n\n")
			for _, n := range notes {
				p("- %s\n", n)
			}
			p("\n")
		}
	}
	return bw.Flush()
}

// row is one target's line of a scenario table, formatted.
type row struct {
	target, reqs, p50, p99, p999, errors string
}

// summarize gives one row per target, in first-seen order: the median
// throughput over repetitions, and latency from all repetitions merged.
func summarize(runs []results.Run) []row {
	var order []string
	byTarget := map[string][]results.Run{}
	for _, r := range runs {
		if _, ok := byTarget[r.Target]; !ok {
			order = append(order, r.Target)
		}
		byTarget[r.Target] = append(byTarget[r.Target], r)
	}
	var rows []row
	for _, t := range order {
		var rates []float64
		var errs int64
		merged := results.NewHistogram()
		for _, r := range byTarget[t] {
			if r.Load == nil {
				continue
			}
			rates = append(rates, r.Load.Throughput())
			errs += r.Load.ErrorCount()
			merged.Merge(r.Load.Latency.Histogram)
		}
		if len(rates) == 0 {
			rows = append(rows, row{t, "failed", "–", "–", "–", "–"})
			continue
		}
		slices.Sort(rates)
		med, _ := stats.Median(rates)
		rows = append(rows, row{
			target: t,
			reqs:   fmt.Sprintf("%.0f", med),
			p50:    formatLatency(merged.Quantile(0.50)),
			p99:    formatLatency(merged.Quantile(0.99)),
			p999:   formatLatency(merged.Quantile(0.999)),
			errors: fmt.Sprintf("%d", errs),
		})
	}
	return rows
}

// formatLatency writes a latency with three significant digits.
func formatLatency(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%d µs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%.3g ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.3g s", d.Seconds())
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown CPU"
	}
	return s
}
