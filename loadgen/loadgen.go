// Package loadgen is corobench's load generator: a raw TCP HTTP/1.1 client
// that sends pre-encoded requests over many connections in a closed loop,
// an open loop paced by a Pacer (or a replayed trace), or a batch; times
// each answer into HDR histograms; checks each answer (status, and the
// checksum of CPU work); counts every failure by kind, every dropped send
// and every request left unanswered; and measures its own CPU so that a
// number limited by the client says so.
//
// A run is bounded: it ends when its warm-up and duration have passed or its
// context ends, whatever the target does.
package loadgen

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/corobench/corobench/results"
)

// Run sends load to addr (host:port) as the options say: closed loop by
// default, open loop with WithRate or WithTrace, a batch with WithBatch. It
// returns what was measured after the warm-up; when ctx ends early it
// returns what was measured until then.
func Run(ctx context.Context, addr string, opts ...Option) (*results.Load, error) {
	cfg := defaults()
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.chat != nil {
		return runChat(ctx, addr, &cfg)
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if cfg.dgram.net == NetUDP {
		return runDatagrams(ctx, addr, &cfg)
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("loadgen: address %q: %w", addr, err)
	}
	bodies, err := openBodies(cfg.requests, cfg.verify.digests())
	if err != nil {
		return nil, err
	}
	defer bodies.close()
	mode := cfg.mode()
	start, from, late := cfg.window(time.Now())
	if wait := time.Until(start); wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("loadgen: interrupted while waiting for the start at %s: %w", cfg.startAt.Format(time.RFC3339Nano), ctx.Err())
		case <-t.C:
		}
	}
	conns := cfg.conns
	switch mode {
	case results.ModeOpen:
		conns = cfg.maxConns
	case results.ModeBatch:
		conns = cfg.batch
	}
	shards, threads := shardsFor(conns), 0
	if cfg.epoll() {
		threads = cfg.loops()
		shards = threads
	}
	rec := newRecorder(shards, from, cfg.duration, mode == results.ModeOpen)
	runCtx, cancel := context.WithDeadline(ctx, rec.end)
	defer cancel()
	rs := &runState{cfg: &cfg, addr: addr, rec: rec, sums: newChecksums(),
		reqs: newRequestSet(cfg.requests, host, cfg.connPerReq, cfg.verify, bodies), tls: cfg.tlsConfig(conns)}

	var (
		wg          sync.WaitGroup
		first, last time.Time
		pl          *pool
		runErr      error
		engine      = EngineGoroutines
	)
	done := make(chan struct{})
	switch mode {
	case results.ModeClosed:
		if threads > 0 {
			wg.Go(func() { engine, runErr = runEpoll(runCtx, rs, threads) })
			break
		}
		for i := range cfg.conns {
			w := &closedWorker{run: rs, mix: newMix(rs.reqs, cfg.seed+uint64(i)), shard: rec.shard(i)}
			wg.Go(func() { w.loop(runCtx) })
		}
	case results.ModeOpen:
		pl = &pool{rs: rs, max: cfg.maxConns}
		pl.prewarm(runCtx, cfg.conns)
		pacer, next := cfg.openSchedule(rs.reqs, host)
		wg.Go(func() {
			pl.schedule(runCtx, start, pacer, next)
			pl.closeAll()
			pl.wg.Wait()
			pl.leftovers()
		})
	case results.ModeBatch:
		wg.Go(func() { first, last = runBatch(runCtx, rs) })
	}
	go func() { wg.Wait(); close(done) }()

	m := newMonitor(&cfg, rec, start)
	stopped := m.watch(runCtx, done)
	if runErr != nil {
		return nil, runErr
	}

	load := m.result(stopped, mode, engine, conns)
	if cfg.pipeline > 1 {
		load.Pipeline = cfg.pipeline
	}
	load.ConnPerRequest = cfg.connPerReq
	switch mode {
	case results.ModeOpen:
		load.Conns = pl.peak
		load.Rate = cfg.askedRate()
	case results.ModeBatch:
		if !first.IsZero() && !last.IsZero() {
			load.Makespan = last.Sub(first).Seconds()
			load.Elapsed = load.Makespan // a batch's throughput is its requests over its makespan
		}
	}
	if late != "" {
		load.Warnings = append(load.Warnings, late)
	}
	load.Warnings = append(load.Warnings, m.warnings()...)
	load.Warnings = append(load.Warnings, warnings(&cfg, load, ctx.Err() != nil)...)
	return load, m.err
}

// window is when a run asked at now begins sending (start) and measuring
// (from): at once and after the warm-up; with a start time, its window
// begins then and the warm-up before it. An agent that comes after that
// start begins at once and measures from the start time, or from now when
// that has passed too: late says so.
func (c *config) window(now time.Time) (start, from time.Time, late string) {
	warmup := c.warmup
	if c.mode() == results.ModeBatch {
		warmup = 0
	}
	if c.startAt.IsZero() {
		return now, now.Add(warmup), ""
	}
	start, from = c.startAt.Add(-warmup), c.startAt
	switch {
	case !now.After(start):
		return start, from, ""
	case now.Before(from):
		return now, from, fmt.Sprintf("start-at: began %s late, %s of the warm-up left", now.Sub(start).Round(time.Millisecond), from.Sub(now).Round(time.Millisecond))
	}
	return now, now, fmt.Sprintf("start-at: began %s after the window's start at %s: this agent's window is later than the others'",
		now.Sub(from).Round(time.Millisecond), from.Format(time.RFC3339Nano))
}

// mode is the load model the options chose.
func (c *config) mode() string {
	switch {
	case c.batch > 0:
		return results.ModeBatch
	case c.pacer != nil || c.trace != nil:
		return results.ModeOpen
	}
	return results.ModeClosed
}

func (c *config) validate() error {
	switch {
	case c.conns < 1 && c.batch == 0:
		return fmt.Errorf("loadgen: connections must be at least 1, not %d", c.conns)
	case c.duration <= 0:
		return fmt.Errorf("loadgen: duration must be positive, not %s", c.duration)
	case c.warmup < 0:
		return fmt.Errorf("loadgen: warm-up must not be negative, not %s", c.warmup)
	case c.timeout <= 0:
		return fmt.Errorf("loadgen: timeout must be positive, not %s", c.timeout)
	case len(c.requests) == 0 && c.trace == nil:
		return fmt.Errorf("loadgen: no requests to send")
	case c.batch < 0:
		return fmt.Errorf("loadgen: batch must not be negative, not %d", c.batch)
	case c.pipeline < 1:
		return fmt.Errorf("loadgen: pipeline depth must be at least 1, not %d", c.pipeline)
	case c.maxConns < 1:
		return fmt.Errorf("loadgen: max connections must be at least 1, not %d", c.maxConns)
	case c.think < 0:
		return fmt.Errorf("loadgen: think time must not be negative, not %s", c.think)
	case c.pacer != nil && c.trace != nil:
		return fmt.Errorf("loadgen: a rate and a trace cannot both pace a run")
	case c.batch > 0 && (c.pacer != nil || c.trace != nil):
		return fmt.Errorf("loadgen: a batch is not paced: drop the rate or the trace")
	case c.pipeline > 1 && (c.connPerReq || c.mode() != results.ModeClosed):
		return fmt.Errorf("loadgen: pipelining needs a closed loop on kept-alive connections")
	case c.think > 0 && c.mode() != results.ModeClosed:
		return fmt.Errorf("loadgen: think time is for a closed loop; an open loop is paced by its rate")
	case c.engine != EngineAuto && c.engine != EngineEpoll && c.engine != EngineURing && c.engine != EngineGoroutines:
		return fmt.Errorf("loadgen: engine %q: want %q, %q or %q", c.engine, EngineURing, EngineEpoll, EngineGoroutines)
	case (c.engine == EngineEpoll || c.engine == EngineURing) && !epollSupported:
		return fmt.Errorf("loadgen: the %s engine needs Linux", c.engine)
	case (c.engine == EngineEpoll || c.engine == EngineURing) && c.tls != nil:
		return fmt.Errorf("loadgen: the %s engine does not speak TLS; https runs on the goroutine engine (the default for https)", c.engine)
	case c.threads < 0:
		return fmt.Errorf("loadgen: threads must not be negative, not %d", c.threads)
	case c.maxBody <= 0:
		return fmt.Errorf("loadgen: the body bound must be positive, not %d", c.maxBody)
	case c.verify != VerifyAuto && c.verify != VerifyAlways && c.verify != VerifyNever:
		return fmt.Errorf("loadgen: verify %q: want auto (empty), %q or %q", c.verify, VerifyAlways, VerifyNever)
	}
	for _, r := range c.requests {
		if err := r.Check(); err != nil {
			return err
		}
	}
	for _, e := range c.trace {
		if e.Request.BodyFile != "" {
			return fmt.Errorf("loadgen: a trace's request %s %s streams a body file: a trace replays its bodies inline", e.Request.Method, e.Request.Path)
		}
	}
	return nil
}

// epoll reports whether the run uses the epoll engine: a closed loop, on
// Linux, unless goroutines were asked for.
func (c *config) epoll() bool {
	return c.mode() == results.ModeClosed && epollSupported && c.engine != EngineGoroutines && c.tls == nil
}

// tlsConfig is the run's TLS configuration, nil for plain TCP: the
// caller's, with a session cache for conns connections and ALPN's
// http/1.1.
func (c *config) tlsConfig(conns int) *tls.Config {
	if c.tls == nil {
		return nil
	}
	t := c.tls.Clone()
	if t.ClientSessionCache == nil {
		t.ClientSessionCache = tls.NewLRUClientSessionCache(max(conns, 64))
	}
	if len(t.NextProtos) == 0 {
		t.NextProtos = []string{"http/1.1"}
	}
	return t
}

// loops is how many event loops the epoll engine runs.
func (c *config) loops() int {
	n := c.threads
	if n == DefaultThreads {
		n = availableCPUs()
	}
	return max(1, min(n, c.conns))
}

// openSchedule is the pacer of an open-loop run and what it sends next.
func (c *config) openSchedule(set *requestSet, host string) (Pacer, func(n uint64) *encoded) {
	if c.trace == nil {
		m := newMix(set, c.seed)
		return c.pacer, func(uint64) *encoded { return m.next() }
	}
	// Encode each distinct request of the trace once.
	byKey := map[string]*encoded{}
	reqs := make([]*encoded, len(c.trace))
	for i, e := range c.trace {
		key := e.Request.Method + " " + e.Request.Path + "\x00" + string(e.Request.Body)
		if byKey[key] == nil {
			enc := e.Request.encoded(host, c.connPerReq, c.verify, nil) // a trace's bodies are inline (see validate)
			byKey[key] = &enc
		}
		reqs[i] = byKey[key]
	}
	return trace(c.trace), func(n uint64) *encoded { return reqs[n] }
}

// askedRate is the open-loop rate asked for over the measured window.
func (c *config) askedRate() float64 {
	p := c.pacer
	if c.trace != nil {
		p = trace(c.trace)
	}
	s, ok := p.(Scheduler)
	if !ok {
		return 0
	}
	return (s.Hits(c.warmup+c.duration) - s.Hits(c.warmup)) / c.duration.Seconds()
}
