package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"github.com/corobench/corobench/results"
)

// stat is one target's runs of one step: medians over the repetitions
// that ran, sums of what was lost, dropped and disconnected.
type stat struct {
	reps           int
	net            string
	p99            time.Duration
	rate, cpu, mem float64 // deliveries/s, target µs per delivery, bytes per member
	// waited is the share of the target's runnable time it spent waiting
	// for a CPU (its core's other work), client the share of its core the
	// load generator used over the run: either near 1 says the machine or
	// the client, not the model, set the numbers. 0: not known.
	waited, client        float64
	lost, dropped, kicked int64
	err                   string // the first failed run's error
	// joined is the fewest members that logged in of any repetition, of
	// members; share the smallest share of the owed deliveries read.
	joined, members int
	share           float64
}

// short says why s's room is not served in full: members refused, or
// deliveries owed and not read (a room that serves a few members fast
// is no room of that size); "" when it is.
func (s stat) short() string {
	switch {
	case s.joined < s.members:
		return fmt.Sprintf("joined %d of %d", s.joined, s.members)
	case s.share < minShare:
		return fmt.Sprintf("read %.0f%% of the deliveries owed", 100*s.share)
	}
	return ""
}

// miss says why s's room fails the sweep with the p99 bound: every run
// failed, the p99 reached the bound, or the room was not served in full;
// "" when it passes.
func (s stat) miss(bound time.Duration) string {
	switch {
	case s.reps == 0:
		return "failed: " + s.err
	case s.p99 >= bound:
		return "p99 " + ms(s.p99)
	}
	return s.short()
}

// minShare is the share of the owed deliveries a room must deliver to pass.
const minShare = 0.95

// statOf is target name's stat among runs, each span long from the first
// join to the end of the grace.
func statOf(runs []results.Run, name string, span time.Duration) stat {
	var (
		s                   stat
		p99, rate, cpu, mem []float64
		waited, client      []float64
	)
	for _, r := range runs {
		if r.Target != name {
			continue
		}
		if r.Error != "" || r.Load == nil || r.Load.Chat == nil || r.Load.Latency == nil {
			if s.err == "" {
				s.err = r.Error
			}
			continue
		}
		c := r.Load.Chat
		readers := float64(c.Members - c.Slow)
		share := 0.0
		if owed := c.Rate * readers * (readers - 1); owed > 0 {
			share = r.Load.Throughput() / owed
		}
		if s.reps == 0 || c.Joined < s.joined {
			s.joined = c.Joined
		}
		if s.reps == 0 || share < s.share {
			s.share = share
		}
		s.members = c.Members
		s.reps++
		s.net = c.Net
		p99 = append(p99, float64(r.Load.Latency.Quantile(0.99)))
		rate = append(rate, r.Load.Throughput())
		if r.CPUPerRequest > 0 {
			cpu = append(cpu, r.CPUPerRequest)
		}
		if m := c.MemoryPerMember(r.Resources); m > 0 {
			mem = append(mem, m)
		}
		if res := r.Resources; res != nil && res.Waited > 0 {
			waited = append(waited, res.Waited/(res.Waited+res.User+res.Sys))
		}
		if used := r.Load.ClientUser + r.Load.ClientSys; used > 0 && span > 0 {
			client = append(client, used/span.Seconds())
		}
		s.lost += c.Lost
		if c.Server != nil {
			s.dropped += c.Server.Dropped
			s.kicked += c.Server.Kicked
		}
	}
	s.p99 = time.Duration(median(p99))
	s.rate, s.cpu, s.mem = median(rate), median(cpu), median(mem)
	s.waited, s.client = median(waited), median(client)
	return s
}

// median of xs; 0 when empty.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	xs = slices.Clone(xs)
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// swept is a target's sweep: the largest size it passed (0: none), and
// its stat at the first size it missed (missed 0: it passed every size).
type swept struct {
	best   int
	missed int
	at     stat
}

// sweep runs the rooms from the smallest up, every target still in it
// side by side; a target whose p99 reaches the bound, or whose runs all
// failed, leaves it.
func (b *bench) sweep(ctx context.Context, ts []target) (map[string]*swept, error) {
	out := map[string]*swept{}
	alive := slices.Clone(ts)
	for _, size := range b.sizes {
		if len(alive) == 0 {
			break
		}
		name := fmt.Sprintf("sweep-%d", size)
		path, err := b.scenario(name, alive, size, 0, b.duration, b.reps)
		if err != nil {
			return nil, err
		}
		f, err := b.runScenarios(ctx, filepath.Join(b.work, name), path)
		if err != nil {
			return nil, err
		}
		fmt.Printf("%4d members:", size)
		var next []target
		for _, t := range alive {
			s := statOf(runsOf(f, name), t.name, b.span(b.duration))
			sw := out[t.name]
			if sw == nil {
				sw = &swept{}
				out[t.name] = sw
			}
			if miss := s.miss(b.p99); miss != "" {
				fmt.Printf("  %s ✗ (%s)", t.name, miss)
				sw.missed, sw.at = size, s
				continue
			}
			fmt.Printf("  %s %s", t.name, s.p99.Round(100*time.Microsecond))
			sw.best = size
			next = append(next, t)
		}
		fmt.Println()
		alive = next
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	return out, nil
}

// row is a target's line of the table.
type row struct {
	target string
	sw     *swept
	size   int // the size compared at: its best, or the smallest
	plain  stat
	slow   stat
}

// compare runs, at each target's largest room (the smallest size for a
// target that passed none), the room without and with slow members, side
// by side.
func (b *bench) compare(ctx context.Context, ts []target, sw map[string]*swept) ([]row, error) {
	bySize := map[int][]target{}
	var rows []row
	for _, t := range ts {
		s := sw[t.name]
		if s == nil {
			continue
		}
		size := s.best
		if size == 0 {
			size = b.sizes[0]
		}
		bySize[size] = append(bySize[size], t)
		rows = append(rows, row{target: t.name, sw: s, size: size})
	}
	for _, size := range b.sizes {
		group := bySize[size]
		if len(group) == 0 {
			continue
		}
		plainName, slowName := fmt.Sprintf("room-%d", size), fmt.Sprintf("room-%d-slow", size)
		plain, err := b.scenario(plainName, group, size, 0, b.duration, b.reps)
		if err != nil {
			return nil, err
		}
		slow, err := b.scenario(slowName, group, size, b.slow, b.slowDuration(size), b.slowReps)
		if err != nil {
			return nil, err
		}
		f, err := b.runScenarios(ctx, filepath.Join(b.work, fmt.Sprintf("compare-%d", size)), plain, slow)
		if err != nil {
			return nil, err
		}
		for i := range rows {
			if rows[i].size == size {
				rows[i].plain = statOf(runsOf(f, plainName), rows[i].target, b.span(b.duration))
				rows[i].slow = statOf(runsOf(f, slowName), rows[i].target, b.span(b.slowDuration(size)))
			}
		}
		fmt.Printf("compared %d members: %d targets\n", size, len(group))
	}
	return rows, nil
}
