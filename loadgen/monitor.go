package loadgen

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/corobench/corobench/results"
)

// monitor is the run's own goroutine while the connections work: it starts
// the clock on the client's CPU at the end of the warm-up, folds each
// second into the series and the interval log, and reports progress. It is
// the one place of a run, besides the open-loop schedule, that waits on a
// timer.
type monitor struct {
	cfg     *config
	rec     *recorder
	start   time.Time
	series  []results.Second
	cpu     cpuTimes
	cpus    int
	stopped time.Time
	err     error // the first interval-log write error
	hlog    io.Writer
}

func newMonitor(cfg *config, rec *recorder, start time.Time) *monitor {
	return &monitor{cfg: cfg, rec: rec, start: start, hlog: cfg.hlog}
}

// watch returns when the connections are done, and when that was (at most
// the end of the window).
func (m *monitor) watch(ctx context.Context, done <-chan struct{}) time.Time {
	timer := time.NewTimer(time.Until(m.rec.from))
	defer timer.Stop()
	cpu0 := cpuTime()
	for warm := true; warm; {
		select {
		case <-timer.C:
			warm = false
		case <-done:
			return m.finish(cpu0, time.Now())
		case <-ctx.Done():
			<-done
			return m.finish(cpu0, time.Now())
		}
	}
	cpu0 = cpuTime()
	m.hlogStart()
	tick := m.rec.from
	for {
		next := tick.Add(time.Second)
		timer.Reset(time.Until(next))
		select {
		case <-timer.C:
			m.interval(tick, next)
			tick = next
		case <-done:
			return m.finish(cpu0, time.Now())
		case <-ctx.Done():
			<-done
			return m.finish(cpu0, time.Now())
		}
	}
}

// finish folds the last part-second, reads the CPU time, and returns when
// the run stopped.
func (m *monitor) finish(cpu0 cpuTimes, now time.Time) time.Time {
	cpu1 := cpuTime()
	m.cpu = cpuTimes{user: cpu1.user - cpu0.user, sys: cpu1.sys - cpu0.sys}
	m.cpus = availableCPUs()
	stopped := earliest(now, m.rec.end)
	m.stopped = stopped
	if stopped.After(m.rec.from) {
		tick := m.rec.from.Add(time.Duration(len(m.series)) * time.Second)
		if stopped.After(tick) {
			m.interval(tick, stopped)
		}
	}
	return stopped
}

// interval folds [from, to) into the series, the interval log and the
// progress report.
func (m *monitor) interval(from, to time.Time) {
	sec := m.rec.tick()
	if m.cfg.series {
		m.series = append(m.series, sec)
	}
	if m.hlog != nil && m.err == nil {
		h := m.rec.interval
		payload, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
		if err == nil {
			_, err = fmt.Fprintf(m.hlog, "%.3f,%.3f,%.3f,%s\n", from.Sub(m.rec.from).Seconds(),
				to.Sub(from).Seconds(), float64(h.Max())/1000, payload)
		}
		if err != nil {
			m.err = fmt.Errorf("loadgen: interval log: %w", err)
		}
	}
	if m.cfg.progress != nil {
		m.cfg.progress(Progress{Elapsed: to.Sub(m.start), Requests: sec.Requests, Errors: sec.Errors,
			Interval: to.Sub(from), P99: time.Duration(sec.P99) * time.Microsecond})
	}
}

// hlogStart writes the interval log's header.
func (m *monitor) hlogStart() {
	if m.hlog == nil {
		return
	}
	w := hdrhistogram.NewHistogramLogWriter(m.hlog)
	ms := m.rec.from.UnixMilli()
	err := w.OutputComment("corobench load: latency in microseconds, from the intended send time; Interval_Max in milliseconds")
	if err == nil {
		err = w.OutputLogFormatVersion()
	}
	if err == nil {
		err = w.OutputStartTime(ms)
	}
	if err == nil {
		err = w.OutputBaseTime(ms)
	}
	if err == nil {
		err = w.OutputLegend()
	}
	if err != nil {
		m.err = fmt.Errorf("loadgen: interval log: %w", err)
	}
}

// warnings says when the client, not the target, set the pace.
func (m *monitor) warnings() []string {
	elapsed := max(m.stopped.Sub(m.rec.from), 0).Seconds()
	cpus := max(min(m.cpus, runtime.GOMAXPROCS(0)), 1)
	if elapsed <= 0 {
		return nil
	}
	share := (m.cpu.user + m.cpu.sys).Seconds() / (elapsed * float64(cpus))
	if share < results.ClientBoundShare {
		return nil
	}
	return []string{fmt.Sprintf(
		"client-bound: the load generator used %.0f%% of its %d CPUs; this number measures the client, not the target",
		100*share, cpus)}
}
