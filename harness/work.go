package harness

import (
	"fmt"
	"github.com/corobench/corobench/results"
	"time"

	"github.com/corobench/corobench/internal/bound"
	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/work"
)

// work is the mean cost of a request of the scenario's mix, weighted, as
// the protocol reads it: µs of CPU (/cpu, /mix) at the calibrated rate, and
// ms of waiting (/io, /mix). ok is false when a request cannot be read or
// the mix costs nothing: then there is no bound to give.
func (s *Scenario) work(rate work.Rate) (w bound.Work, ok bool) {
	var cpu, wait, weights float64
	for _, q := range s.Requests {
		raw := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s", q.Method, q.Path, len(q.Body), q.Body)
		var req protocol.Request
		if n, err := protocol.ParseRequest([]byte(raw), &req); n == 0 || err != nil {
			return w, false
		}
		us := float64(req.CPUMicros)
		if req.CPUUnits > 0 && rate > 0 {
			us = float64(req.CPUUnits) / float64(rate)
		}
		cpu += float64(q.Weight) * us
		wait += float64(q.Weight) * float64(req.Wait())
		weights += float64(q.Weight)
	}
	if weights == 0 || cpu+wait == 0 {
		return w, false
	}
	return bound.Work{
		CPU:  time.Duration(cpu / weights * float64(time.Microsecond)),
		Wait: time.Duration(wait / weights),
	}, true
}

// meanRate is the asked arrival rate of an open-loop load, averaged over
// its duration; 0 for other modes.
func (l Load) meanRate() float64 {
	if l.Mode != results.ModeOpen {
		return 0
	}
	if len(l.Phases) == 0 {
		return l.Rate
	}
	var sent, secs float64
	for _, p := range l.Phases {
		d := time.Duration(p.For).Seconds()
		sent += (p.Rate + p.end()) / 2 * d
		secs += d
	}
	return sent / secs
}
