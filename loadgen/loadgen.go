// Package loadgen is corobench's load generator: a raw TCP HTTP/1.1 client
// that sends pre-encoded requests over many connections, times each answer
// into HDR histograms, checks each answer (status, and the checksum of CPU
// work), counts every failure by kind, and measures its own CPU so that a
// number limited by the client says so.
//
// A run is bounded: it ends when its warm-up and duration have passed or its
// context ends, whatever the target does.
package loadgen

import (
	"context"
	"fmt"
	"net"
	"runtime"
	"sync"
	"time"

	"github.com/corobench/corobench/results"
)

// ClientBoundShare is the share of its CPUs above which the client, not the
// target, is taken to have set the pace.
const ClientBoundShare = 0.9

// Run sends closed-loop load to addr (host:port): each connection sends a
// request, waits for the answer, and sends the next. It returns what was
// measured after the warm-up; when ctx ends early it returns what was
// measured until then.
func Run(ctx context.Context, addr string, opts ...Option) (*results.Load, error) {
	cfg := defaults()
	for _, o := range opts {
		o(&cfg)
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("loadgen: address %q: %w", addr, err)
	}
	start := time.Now()
	rec := newRecorder(cfg.conns, start.Add(cfg.warmup), cfg.duration)
	ctx, cancel := context.WithDeadline(ctx, rec.end)
	defer cancel()

	sums := newChecksums()
	var wg sync.WaitGroup
	for i := range cfg.conns {
		w := &worker{
			addr:    addr,
			timeout: cfg.timeout,
			mix:     newMix(cfg.requests, host, cfg.seed+uint64(i)),
			rec:     rec,
			shard:   rec.shard(i),
			sums:    sums,
		}
		wg.Go(func() { w.run(ctx) })
	}

	// The one timer of a run: the end of the warm-up starts the clock on
	// the client's own CPU time.
	cpu0 := cpuTime()
	select {
	case <-time.After(time.Until(rec.from)):
		cpu0 = cpuTime()
	case <-ctx.Done():
	}
	wg.Wait()
	cpu1 := cpuTime()

	stopped := time.Now()
	if stopped.After(rec.end) {
		stopped = rec.end
	}
	load := rec.load(max(stopped.Sub(rec.from), 0))
	load.Conns = cfg.conns
	load.ClientUser = (cpu1.user - cpu0.user).Seconds()
	load.ClientSys = (cpu1.sys - cpu0.sys).Seconds()
	if share := (load.ClientUser + load.ClientSys) / (load.Elapsed * float64(runtime.GOMAXPROCS(0))); load.Elapsed > 0 && share >= ClientBoundShare {
		load.Warnings = append(load.Warnings, fmt.Sprintf(
			"client-bound: the load generator used %.0f%% of its %d CPUs; this number measures the client, not the target",
			100*share, runtime.GOMAXPROCS(0)))
	}
	if load.Elapsed < cfg.duration.Seconds()*0.99 {
		load.Warnings = append(load.Warnings, fmt.Sprintf("interrupted: measured %.1fs of %s", load.Elapsed, cfg.duration))
	}
	return load, nil
}

func (c *config) validate() error {
	switch {
	case c.conns < 1:
		return fmt.Errorf("loadgen: connections must be at least 1, not %d", c.conns)
	case c.duration <= 0:
		return fmt.Errorf("loadgen: duration must be positive, not %s", c.duration)
	case c.warmup < 0:
		return fmt.Errorf("loadgen: warm-up must not be negative, not %s", c.warmup)
	case c.timeout <= 0:
		return fmt.Errorf("loadgen: timeout must be positive, not %s", c.timeout)
	case len(c.requests) == 0:
		return fmt.Errorf("loadgen: no requests to send")
	}
	return nil
}
