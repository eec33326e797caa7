package harness

import (
	"github.com/corobench/corobench/results"
	"time"

	"github.com/corobench/corobench/loadgen"
)

// modeOptions maps the load modes beyond the closed loop: open loop (a rate
// or a schedule of phases), batch, a connection per request, pipelining and
// think time.
func modeOptions(l Load, conns int) ([]loadOption, error) {
	var opts []loadOption
	switch l.Mode {
	case results.ModeOpen:
		opts = append(opts, loadgen.WithRate(pacer(l)), loadgen.WithMaxConns(conns))
	case results.ModeBatch:
		opts = append(opts, loadgen.WithBatch(l.Batch), loadgen.WithConns(l.Batch),
			loadgen.WithDuration(time.Duration(l.Timeout)), loadgen.WithWarmup(0))
	case results.ModeChat:
		opts = append(opts, chatOptions(l)...)
	}
	if l.ConnPerReq {
		opts = append(opts, loadgen.WithConnPerRequest())
	}
	if l.Pipeline > 1 {
		opts = append(opts, loadgen.WithPipeline(l.Pipeline))
	}
	if l.ThinkTime > 0 {
		opts = append(opts, loadgen.WithThinkTime(time.Duration(l.ThinkTime)))
	}
	return opts, nil
}

// pacer is the open-loop schedule: a constant rate, one ramp, steps, or a
// sequence of phases of either kind.
func pacer(l Load) loadgen.Pacer {
	if len(l.Phases) == 0 {
		return loadgen.ConstantRate(l.Rate)
	}
	ps := make([]loadgen.Pacer, len(l.Phases))
	var steps []loadgen.Step
	for i, p := range l.Phases {
		if p.end() == p.Rate {
			ps[i] = loadgen.ConstantRate(p.Rate)
			steps = append(steps, loadgen.Step{Rate: p.Rate, For: time.Duration(p.For)})
		} else {
			ps[i] = loadgen.LinearRamp(p.Rate, p.end(), time.Duration(p.For))
		}
	}
	if len(steps) == len(l.Phases) {
		return loadgen.Steps(steps...)
	}
	return sequence{phases: l.Phases, pacers: ps}
}

// sequence runs pacers one after the other, each for its phase's time. A
// phase's pacer is asked with the time and the sends since the phase began,
// the sends counted as its schedule planned them.
type sequence struct {
	phases []Phase
	pacers []loadgen.Pacer
}

func (q sequence) Pace(elapsed time.Duration, sent uint64) (time.Duration, bool) {
	var start time.Duration
	var before float64
	for i, p := range q.phases {
		d := time.Duration(p.For)
		if elapsed < start+d || i == len(q.phases)-1 {
			done := uint64(before)
			if sent < done {
				return 0, false // behind: send now
			}
			wait, stop := q.pacers[i].Pace(elapsed-start, sent-done)
			if stop && i < len(q.phases)-1 {
				return start + d - elapsed, false
			}
			return wait, stop
		}
		before += (p.Rate + p.end()) / 2 * d.Seconds()
		start += d
	}
	return 0, true
}
