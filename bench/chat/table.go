package main

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/corobench/corobench/results"
)

// runsOf is the runs of scenario name in f.
func runsOf(f *results.File, name string) []results.Run {
	for _, s := range f.Scenarios {
		if s.Name == name {
			return s.Runs
		}
	}
	return nil
}

// writeTable prints the rows as a markdown table, and returns the first
// write error.
func writeTable(w io.Writer, b *bench, rows []row) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "| target | net | largest room, p99 < %s | deliveries/s | target CPU / delivery | target waited for CPU | client CPU | memory / member | reading p99, no slow | reading p99, %g%% slow | slow run: dropped / kicked | lost (no slow / slow) |\n",
		ms(b.p99), 100*b.slow)
	fmt.Fprintln(bw, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, r := range rows {
		p, s := r.plain, r.slow
		net := p.net
		if net == "" {
			net = s.net
		}
		largest := fmt.Sprint(r.sw.best)
		if r.sw.missed == 0 {
			largest = fmt.Sprintf("≥ %d (all)", r.sw.best)
		}
		if r.sw.best == 0 {
			largest = "none"
		}
		switch at := r.sw.at; {
		case r.sw.missed == 0:
		case at.reps == 0:
			largest += fmt.Sprintf(" (failed at %d)", r.sw.missed)
		case at.p99 >= b.p99:
			largest += fmt.Sprintf(" (p99 %s at %d)", ms(at.p99), r.sw.missed)
		default:
			largest += fmt.Sprintf(" (%d: %s)", r.sw.missed, at.short())
		}
		if p.reps == 0 {
			fmt.Fprintf(bw, "| %s | %s | %s | failed: %s | | | | | | | | |\n", r.target, net, largest, p.err)
			continue
		}
		fmt.Fprintf(bw, "| %s | %s | %s | %.0f | %s | %s | %s | %s | %s | %s | %s | %d / %d |\n", r.target, net, largest,
			p.rate, us(p.cpu), pct(p.waited), pct(p.client), kb(p.mem), ms(p.p99), slowP99(s), slowDrops(s), p.lost, s.lost)
	}
	fmt.Fprintf(bw, "\nAt each target's largest room (its first swept size when it passed none), medians of %d interleaved repetitions; %s measured a run after %s of joins and %s of warm-up; %g messages/s per member, %d-byte messages. The runs with slow members are measured long enough for a slow member's socket to fill and the kick bound (%s) to pass: %s; %s each. Dropped and kicked: the room's own counters (S) in the slow runs, summed over the repetitions; lost: summed. Target waited for CPU: the share of its runnable time its threads waited in the run queue (its core's other work; the no-slow runs); client CPU: the share of its core the load generator used over a run. A room passes when every member joined, at least %.0f%% of the deliveries owed were read, and the p99 is under the bound.\n",
		b.reps, b.duration, b.join, b.warmup, b.rate, b.msgSize, b.kick, slowRuns(b, rows), plural(b.slowReps, "repetition"), 100*minShare)
	return bw.Flush()
}

// slowRuns lists the slow runs' measured time at each room size compared.
func slowRuns(b *bench, rows []row) string {
	var sizes []int
	for _, r := range rows {
		if !slices.Contains(sizes, r.size) {
			sizes = append(sizes, r.size)
		}
	}
	slices.Sort(sizes)
	parts := make([]string, len(sizes))
	for i, n := range sizes {
		parts[i] = fmt.Sprintf("%s at %d members", b.slowDuration(n), n)
	}
	return strings.Join(parts, ", ")
}

// plural is "1 thing" or "n things".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// pct is a share in percent; "–" when not known.
func pct(v float64) string {
	if v <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f%%", 100*v)
}

func slowP99(s stat) string {
	if s.reps == 0 {
		return "failed"
	}
	return ms(s.p99)
}

func slowDrops(s stat) string {
	if s.reps == 0 {
		return "–"
	}
	return fmt.Sprintf("%d / %d", s.dropped, s.kicked)
}

// ms is a duration in milliseconds, 3 significant digits.
func ms(d time.Duration) string {
	v := float64(d) / 1e6
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f ms", v)
	case v >= 10:
		return fmt.Sprintf("%.1f ms", v)
	}
	return fmt.Sprintf("%.2f ms", v)
}

// us is microseconds; "–" when not known.
func us(v float64) string {
	if v <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f µs", v)
}

// kb is bytes in KB (1,000 bytes); "–" when not known.
func kb(v float64) string {
	if v <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f KB", v/1000)
}
