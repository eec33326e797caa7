package harness

import (
	"time"

	"github.com/corobench/corobench/loadgen"
	"github.com/corobench/corobench/results"
)

// LoadOptions maps a load to the load generator's options, for conns
// connections and the request mix reqs: its times, its mode (a closed
// loop, an open loop paced by its rate or phases, a batch bounded by its
// timeout), a connection per request, pipelining and think time; a chat
// room's options come with its room. In an open loop conns is both the
// connections opened before the start and the most the pool holds. It is
// the one mapping of a load: scenarios and the flags of corobench load
// both go through it.
func LoadOptions(l Load, conns int, reqs []loadgen.Request) []loadgen.Option {
	d := l.Duration
	if l.Mode == results.ModeBatch {
		d = l.Timeout
	}
	opts := []loadgen.Option{
		loadgen.WithConns(conns),
		loadgen.WithDuration(time.Duration(d)),
		loadgen.WithWarmup(time.Duration(l.Warmup)),
		loadgen.WithTimeout(time.Duration(l.Timeout)),
		loadgen.WithRequests(reqs...),
	}
	switch l.Mode {
	case results.ModeOpen:
		opts = append(opts, loadgen.WithMaxConns(conns))
		if l.Rate != 0 || len(l.Phases) > 0 {
			opts = append(opts, loadgen.WithRate(pacer(l)))
		}
	case results.ModeBatch:
		opts = append(opts, loadgen.WithBatch(l.Batch))
	}
	if l.ConnPerReq {
		opts = append(opts, loadgen.WithConnPerRequest())
	}
	if l.Pipeline != 0 {
		opts = append(opts, loadgen.WithPipeline(l.Pipeline))
	}
	if l.ThinkTime != 0 {
		opts = append(opts, loadgen.WithThinkTime(time.Duration(l.ThinkTime)))
	}
	return opts
}

// loadOptions is the load generator's options of s's load at a target that
// gets conns connections.
func loadOptions(s *Scenario, conns int) []loadgen.Option {
	reqs := make([]loadgen.Request, len(s.Requests))
	for i, q := range s.Requests {
		reqs[i] = q.loadgen()
	}
	opts := LoadOptions(s.Load, conns, reqs)
	if s.Load.Mode == results.ModeChat {
		opts = append(opts, chatOptions(s.Load)...)
	}
	return opts
}
