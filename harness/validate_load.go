package harness

import (
	"strconv"
	"time"

	"github.com/corobench/corobench/results"
)

// validateLoad checks the load's values: each setting against its mode.
func (s *Scenario) validateLoad(bad func(key, format string, args ...any), targets map[string]bool) {
	l := &s.Load
	if l.Connections < 1 {
		bad("load.connections", "must be at least 1, not %d", l.Connections)
	}
	for name, n := range l.ByTarget {
		if !targets[name] {
			bad("load.connections_by_target."+name, "%q is not one of the targets", name)
		}
		if n < 1 {
			bad("load.connections_by_target."+name, "must be at least 1, not %d", n)
		}
	}
	if l.Duration < 0 {
		bad("load.duration", "must be positive")
	}
	if l.Warmup < 0 {
		bad("load.warmup", "must not be negative")
	}
	if l.Timeout < 0 {
		bad("load.timeout", "must be positive")
	}
	if l.ThinkTime < 0 {
		bad("load.think_time", "must not be negative")
	}
	if l.Pipeline < 0 {
		bad("load.pipeline", "must not be negative")
	}
	if l.Pipeline > 1 && l.ConnPerReq {
		bad("load.pipeline", "a connection per request cannot pipeline")
	}
	only := func(mode string, set bool, key string) {
		if set && l.Mode != mode {
			bad("load."+key, "applies to mode %s only (this is %s)", mode, l.Mode)
		}
	}
	only(results.ModeOpen, l.Rate != 0, "rate")
	only(results.ModeOpen, len(l.Phases) > 0, "phases")
	only(results.ModeBatch, l.Batch != 0, "batch")
	only(results.ModeClosed, l.ThinkTime != 0, "think_time")
	only(results.ModeClosed, l.Pipeline > 1, "pipeline")
	only(results.ModeIdle, l.Touch, "touch")
	only(results.ModeClosed, len(l.Background) > 0, "background_idle")
	only(results.ModeClosed, len(l.BackgroundByTarget) > 0, "background_idle_by_target")
	if l.OpenRate != 0 && l.Mode != results.ModeIdle && len(l.Background) == 0 && len(l.BackgroundByTarget) == 0 {
		bad("load.open_rate", "applies to mode idle or background_idle only")
	}
	counts := func(key string, ns []int) {
		seen := map[int]bool{}
		for i, n := range ns {
			switch {
			case n < 0:
				bad(key+"."+strconv.Itoa(i), "must not be negative, not %d", n)
			case seen[n]:
				bad(key+"."+strconv.Itoa(i), "%d is listed twice", n)
			}
			seen[n] = true
		}
	}
	counts("load.background_idle", l.Background)
	if len(l.BackgroundByTarget) > 0 && len(l.Background) == 0 {
		bad("load.background_idle_by_target", "needs background_idle, the counts of the other targets")
	}
	for name, ns := range l.BackgroundByTarget {
		key := "load.background_idle_by_target." + name
		if !targets[name] {
			bad(key, "%q is not one of the targets", name)
		}
		if len(ns) == 0 {
			bad(key, "list at least one count")
		}
		counts(key, ns)
	}
	switch l.Mode {
	case results.ModeClosed, results.ModeIdle:
	case results.ModeChat:
		s.validateChat(bad)
	case results.ModeOpen:
		switch {
		case l.Rate == 0 && len(l.Phases) == 0:
			bad("load.mode", "mode open needs a rate or phases")
		case l.Rate != 0 && len(l.Phases) > 0:
			bad("load.rate", "set rate or phases, not both")
		case len(l.Phases) > 0 && l.Duration <= 0:
			bad("load.phases", "the phases must last longer than the warm-up (%s), which they include", time.Duration(l.Warmup))
		case l.Rate < 0:
			bad("load.rate", "must be positive")
		}
		for i, p := range l.Phases {
			key := "load.phases." + strconv.Itoa(i)
			if p.Rate <= 0 && p.end() <= 0 {
				bad(key+".rate", "a phase needs a positive rate")
			}
			if p.Rate < 0 || p.end() < 0 {
				bad(key+".rate", "must not be negative")
			}
			if p.For <= 0 {
				bad(key+".for", "must be positive")
			}
		}
	case results.ModeBatch:
		if l.Batch < 1 {
			bad("load.batch", "mode batch needs batch: the number of requests fired at once")
		}
		if l.ConnPerReq {
			bad("load.conn_per_request", "a batch already uses one connection per request")
		}
	default:
		bad("load.mode", "must be closed, open, batch, idle or chat, not %q", l.Mode)
	}
	if l.Mode != results.ModeChat && l.Chat != nil {
		bad("load.chat", "applies to mode chat only (this is %s)", l.Mode)
	}
	if l.OpenRate < 0 {
		bad("load.open_rate", "must be positive")
	}
}
