package harness

import (
	"time"

	"github.com/corobench/corobench/loadgen"
)

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
	switch {
	case len(steps) == len(l.Phases):
		return loadgen.Steps(steps...)
	case len(ps) == 1:
		return ps[0] // one ramp: a Scheduler, so that late sends are timed from when they were due
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
