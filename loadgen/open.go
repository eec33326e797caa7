package loadgen

import (
	"context"
	"sync"
	"time"
)

// job is one open-loop request: what to send and when it was due.
type job struct {
	req *encoded
	due time.Time
}

// pool is an open-loop run's connections: idle ones wait on a stack (the
// most recently used first, so few stay warm), and new ones are started
// while fewer than max exist.
type pool struct {
	rs     *runState
	mu     sync.Mutex
	idle   []*openWorker
	all    []*openWorker
	n      int // workers started
	max    int
	peak   int
	closed bool
	wg     sync.WaitGroup
}

// openWorker is one connection of the pool, answering the jobs it is given
// one at a time.
type openWorker struct {
	jobs  chan job
	shard *shard
	c     conn
}

// take returns an idle worker, starts a new one, or returns nil when the
// pool is full and busy.
func (p *pool) take(ctx context.Context) *openWorker {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.idle); n > 0 {
		w := p.idle[n-1]
		p.idle = p.idle[:n-1]
		return w
	}
	if p.n >= p.max {
		return nil
	}
	return p.newWorker(ctx, false)
}

// newWorker starts a worker; a prewarmed one connects at once and waits
// idle. The caller holds p.mu.
func (p *pool) newWorker(ctx context.Context, prewarm bool) *openWorker {
	w := &openWorker{jobs: make(chan job, 1), shard: p.rs.rec.shard(p.n)}
	p.all = append(p.all, w)
	p.n++
	p.peak = max(p.peak, p.n)
	p.wg.Go(func() {
		if prewarm {
			if err := w.c.dial(ctx, p.rs); err != nil {
				p.rs.dialFailed(ctx, w.shard, err)
			}
			if !p.put(w) {
				w.c.close()
				return
			}
		}
		p.work(ctx, w)
	})
	return w
}

// prewarm opens n connections before the start.
func (p *pool) prewarm(ctx context.Context, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for range min(n, p.max) {
		p.newWorker(ctx, true)
	}
}

// put returns w to the idle stack, or reports false once the pool is closed.
func (p *pool) put(w *openWorker) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.idle = append(p.idle, w)
	return true
}

// work answers w's jobs until ctx ends or the jobs stop.
func (p *pool) work(ctx context.Context, w *openWorker) {
	defer w.c.close()
	for {
		select {
		case <-ctx.Done(): // a job given but not begun is counted by leftovers
			return
		case j, ok := <-w.jobs:
			if !ok {
				return
			}
			p.do(ctx, w, j)
			if !p.put(w) {
				return
			}
		}
	}
}

// do sends one job's request on w's connection, dialling first if needed.
func (p *pool) do(ctx context.Context, w *openWorker, j job) {
	rs, cfg := p.rs, p.rs.cfg
	if !w.c.open() {
		if err := w.c.dial(ctx, rs); err != nil {
			rs.rec.lost(w.shard, 1, kindOf(err, true), ctx.Err() != nil, time.Now(), j.due)
			return
		}
	}
	sent := time.Now()
	deadline := earliest(sent.Add(cfg.timeout), rs.rec.end)
	if err := w.c.sendOne(j.req, deadline); err != nil {
		rs.lost(ctx, w.shard, &w.c, kindOf(err, false), 1, j.due)
		return
	}
	resp, err := w.c.read(j.req)
	if err != nil {
		rs.lost(ctx, w.shard, &w.c, kindOf(err, false), 1, j.due)
		return
	}
	end := time.Now()
	if kind := rs.check(j.req, resp); kind != "" {
		rs.rec.badAnswer(w.shard, j.due, kind)
		w.c.close()
		return
	}
	rs.rec.success(w.shard, j.due, end, end.Sub(j.due), end.Sub(sent), resp.Size)
	if resp.Close {
		rs.targetClosed(w.shard, end)
	}
	if resp.Close || cfg.connPerReq {
		w.c.close()
	}
}

// schedule sends requests when the pacer says, from start, until it stops
// or ctx ends. It is the one place of an open-loop run that waits on a
// timer.
func (p *pool) schedule(ctx context.Context, start time.Time, pacer Pacer, next func(n uint64) *encoded) {
	sched, exact := pacer.(Scheduler)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	n := uint64(0)
	defer func() { p.missed(sched, exact, start, n) }()
	end := p.rs.rec.end
	for ctx.Err() == nil {
		now := time.Now()
		wait, stop := pacer.Pace(now.Sub(start), n)
		if stop || !now.Before(end) { // the context's timer may lag on a busy machine
			return
		}
		if wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				return
			case <-timer.C:
			}
			continue
		}
		due := now
		if exact {
			if at, ok := sched.Due(n); ok {
				due = start.Add(at)
			}
		}
		if !due.Before(end) {
			return
		}
		req := next(n)
		n++
		if w := p.take(ctx); w != nil {
			w.jobs <- job{req: req, due: due}
		} else {
			p.rs.rec.drop(due)
		}
	}
}

// missed counts as dropped the requests due in the window that the
// schedule never reached (the client fell behind, or the run was cut).
func (p *pool) missed(s Scheduler, exact bool, start time.Time, sent uint64) {
	if !exact {
		return
	}
	rec := p.rs.rec
	stop := earliest(time.Now(), rec.end)
	due := uint64(s.Hits(stop.Sub(start)))
	for n := max(sent, uint64(s.Hits(rec.from.Sub(start)))); n < due; n++ {
		at, ok := s.Due(n)
		if !ok {
			break
		}
		rec.drop(start.Add(at))
	}
}

// closeAll ends the workers once no more jobs come: idle ones at once,
// busy ones when their job is done.
func (p *pool) closeAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for _, w := range p.idle {
		close(w.jobs)
	}
	p.idle = nil
}

// leftovers counts as unfinished the jobs given to workers that ended
// before beginning them; it runs once every worker has ended.
func (p *pool) leftovers() {
	now := time.Now()
	for _, w := range p.all {
		select {
		case j, ok := <-w.jobs:
			if ok {
				p.rs.rec.lost(w.shard, 1, ErrOther, true, now, j.due) // stopped: never a failure
			}
		default:
		}
	}
}
