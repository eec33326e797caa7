package main

import (
	"fmt"
	"io"
	"slices"

	"github.com/montanaflynn/stats"
)

// median of values; 0 for none.
func median(xs []float64) float64 {
	m, err := stats.Median(xs)
	if err != nil {
		return 0
	}
	return m
}

// field is the median of f over the samples where it was measured (> 0).
func field(ss []sample, f func(sample) float64) float64 {
	var xs []float64
	for _, s := range ss {
		if x := f(s); x > 0 {
			xs = append(xs, x)
		}
	}
	return median(xs)
}

func printThroughput(w io.Writer, targets []target, works []workload, rows map[key][]sample, wrk bool) {
	for _, wl := range works {
		fmt.Fprintf(w, "## %s (`%s`)\n\n", wl.name, wl.path)
		fmt.Fprint(w, "| target | GOMAXPROCS | threads | load req/s | target CPU µs/req |")
		if wrk && wl.peers {
			fmt.Fprint(w, " wrk req/s | target CPU µs/req (wrk) |")
		}
		fmt.Fprint(w, " notes |\n|---|---:|---:|---:|---:|")
		if wrk && wl.peers {
			fmt.Fprint(w, "---:|---:|")
		}
		fmt.Fprint(w, "---|\n")
		for _, t := range targets {
			ss := rows[key{t.name, wl.name}]
			if len(ss) == 0 {
				continue
			}
			last := ss[len(ss)-1]
			fmt.Fprintf(w, "| %s | %d | %d | %.0f | %.1f |", t.name, last.gomaxprocs, last.threads,
				field(ss, func(s sample) float64 { return s.rps }), field(ss, func(s sample) float64 { return s.cpuUs }))
			if wrk && wl.peers {
				fmt.Fprintf(w, " %.0f | %.1f |", field(ss, func(s sample) float64 { return s.wrkRPS }),
					field(ss, func(s sample) float64 { return s.wrkCPUUs }))
			}
			var errs int64
			var notes []string
			for _, s := range ss {
				errs += s.errors
				notes = append(notes, s.warnings...)
			}
			if errs > 0 {
				notes = append(notes, fmt.Sprintf("%d errors", errs))
			}
			slices.Sort(notes)
			fmt.Fprintf(w, " %s |\n", joinNotes(slices.Compact(notes)))
		}
		fmt.Fprintln(w)
	}
}

func joinNotes(notes []string) string {
	out := ""
	for i, n := range notes {
		if i > 0 {
			out += "; "
		}
		out += n
	}
	return out
}

// goals are the ratios the issue sets: a model's req/s against a peer's.
var goals = []struct {
	model, peer string
	want        float64
}{
	{"eventloop", "gnet", 1.0},
	{"reactors", "gnet", 1.0},
	{"goroutine", "nethttp", 1.3},
	{"coro", "eventloop", 0},
	{"coro", "goroutine-1", 0},
}

// printRatios prints each goal's ratio per repetition (the runs of one
// repetition were side by side) and their median.
func printRatios(w io.Writer, works []workload, rows map[key][]sample) {
	fmt.Fprint(w, "## Ratios (corobench load req/s; per repetition, then median)\n\n| ratio | workload | per repetition | median | goal |\n|---|---|---|---:|---|\n")
	for _, g := range goals {
		for _, wl := range works {
			a, b := rows[key{g.model, wl.name}], rows[key{g.peer, wl.name}]
			if len(a) == 0 || len(b) == 0 {
				continue
			}
			var rs []float64
			per := ""
			for i := range min(len(a), len(b)) {
				r := a[i].rps / b[i].rps
				rs = append(rs, r)
				per += fmt.Sprintf("%.2f ", r)
			}
			goal := "—"
			if g.want > 0 {
				goal = fmt.Sprintf("≥ %.1f×", g.want)
				if median(rs) >= g.want {
					goal += " met"
				} else {
					goal += " not met"
				}
			}
			fmt.Fprintf(w, "| %s / %s | %s | %s| %.2f× | %s |\n", g.model, g.peer, wl.name, per, median(rs), goal)
		}
	}
	fmt.Fprintln(w)
}

func printIdle(w io.Writer, idle []idleResult) {
	if len(idle) == 0 {
		return
	}
	fmt.Fprint(w, "## Idle memory per connection\n\n| target | connections | threads | RSS base → loaded | RSS per conn | PSS per conn |\n|---|---:|---:|---|---:|---:|\n")
	for _, r := range idle {
		fmt.Fprintf(w, "| %s | %d | %d | %.1f → %.1f MiB | %.2f KB | %.2f KB |\n", r.target, r.conns, r.threads,
			float64(r.base.rss)/(1<<20), float64(r.loaded.rss)/(1<<20), r.rssPer/1000, r.pssPer/1000)
	}
	fmt.Fprintln(w)
}
