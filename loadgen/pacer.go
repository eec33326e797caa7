package loadgen

import (
	"math"
	"time"
)

// A Pacer says when an open-loop run sends its next request. Pace is a pure
// function of the time elapsed since the start and the number of requests
// due so far (sent or dropped): it returns how long to wait before the next
// one, or stop when the schedule is over. A wait of 0 means the next request
// is already due.
type Pacer interface {
	Pace(elapsed time.Duration, sent uint64) (wait time.Duration, stop bool)
}

// A Scheduler is a Pacer that also says when each request is due, so that
// a request sent late is timed from when it was due. Every pacer made in
// this package is one; a Pacer that is not is timed from when Pace first
// let the request go.
type Scheduler interface {
	Pacer
	// Due is when request n (counted from 0) is due, as time since the
	// start; ok is false when the schedule has no request n.
	Due(n uint64) (at time.Duration, ok bool)
	// Hits is how many requests are due in [0, elapsed): the asked load.
	Hits(elapsed time.Duration) float64
}

// pace is Pace for a Scheduler.
func pace(s Scheduler, elapsed time.Duration, sent uint64) (time.Duration, bool) {
	at, ok := s.Due(sent)
	if !ok {
		return 0, true
	}
	return max(at-elapsed, 0), false
}

// seconds turns float seconds into a Duration, saturating far beyond any run.
func seconds(s float64) time.Duration {
	if s >= float64(math.MaxInt64/2)/1e9 {
		return math.MaxInt64 / 2
	}
	return time.Duration(s * 1e9)
}

// ConstantRate sends perSecond requests a second, evenly spaced, from the
// start. A rate that is not positive sends nothing.
func ConstantRate(perSecond float64) Pacer { return constant(perSecond) }

type constant float64

func (c constant) Pace(elapsed time.Duration, sent uint64) (time.Duration, bool) {
	return pace(c, elapsed, sent)
}

func (c constant) Due(n uint64) (time.Duration, bool) {
	if c <= 0 {
		return 0, false
	}
	return seconds(float64(n) / float64(c)), true
}

func (c constant) Hits(elapsed time.Duration) float64 {
	return max(float64(c), 0) * elapsed.Seconds()
}

// LinearRamp moves the rate linearly from `from` to `to` requests a second
// over the given time, then keeps `to`.
func LinearRamp(from, to float64, over time.Duration) Pacer {
	if over <= 0 {
		return constant(to)
	}
	return ramp{from: max(from, 0), to: max(to, 0), over: over.Seconds()}
}

type ramp struct {
	from, to float64
	over     float64 // seconds
}

func (r ramp) Pace(elapsed time.Duration, sent uint64) (time.Duration, bool) {
	return pace(r, elapsed, sent)
}

// rampHits is how many requests are due by t seconds into the ramp.
func (r ramp) rampHits(t float64) float64 {
	return r.from*t + (r.to-r.from)*t*t/(2*r.over)
}

func (r ramp) Hits(elapsed time.Duration) float64 {
	t := elapsed.Seconds()
	if t <= r.over {
		return r.rampHits(t)
	}
	return r.rampHits(r.over) + r.to*(t-r.over)
}

func (r ramp) Due(n uint64) (time.Duration, bool) {
	h := float64(n)
	if end := r.rampHits(r.over); h >= end {
		if r.to <= 0 {
			return 0, false
		}
		return seconds(r.over + (h-end)/r.to), true
	}
	// Solve from·t + a·t² = h for t in [0, over]; this form of the root
	// does not lose precision when a is small.
	a := (r.to - r.from) / (2 * r.over)
	return seconds(2 * h / (r.from + math.Sqrt(r.from*r.from+4*a*h))), true
}

// Step is one stage of a Steps schedule: Rate requests a second for For.
type Step struct {
	Rate float64
	For  time.Duration
}

// Steps sends at each step's rate for its time, one after the other, and
// stops after the last. A step of rate 0 is a pause.
func Steps(steps ...Step) Pacer { return stepped(steps) }

type stepped []Step

func (s stepped) Pace(elapsed time.Duration, sent uint64) (time.Duration, bool) {
	return pace(s, elapsed, sent)
}

func (s stepped) Due(n uint64) (time.Duration, bool) {
	h := float64(n)
	var start time.Duration
	for _, st := range s {
		if st.Rate > 0 {
			if inStep := st.Rate * st.For.Seconds(); h < inStep {
				return start + seconds(h/st.Rate), true
			} else {
				h -= inStep
			}
		}
		start += st.For
	}
	return 0, false
}

func (s stepped) Hits(elapsed time.Duration) float64 {
	var hits float64
	for _, st := range s {
		d := min(elapsed, st.For)
		hits += max(st.Rate, 0) * d.Seconds()
		elapsed -= d
	}
	return hits
}
