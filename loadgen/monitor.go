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
// interval into the series and the interval log, and reports progress
// about once a second. It is the one place of a run, besides the open-loop
// schedule, that waits on a timer.
type monitor struct {
	cfg      *config
	rec      *recorder
	start    time.Time
	every    time.Duration // the series' interval
	ticks    int           // whole intervals folded
	series   []results.Second
	progress Progress // what the next progress report adds up
	cpu      cpuTimes
	cpus     int
	stopped  time.Time
	err      error // the first interval-log write error
	hlog     io.Writer
}

func newMonitor(cfg *config, rec *recorder, start time.Time) *monitor {
	return &monitor{cfg: cfg, rec: rec, start: start, every: SeriesInterval(cfg.duration), hlog: cfg.hlog}
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
	for {
		tick := m.rec.from.Add(time.Duration(m.ticks) * m.every)
		if !tick.Before(m.rec.end) {
			// The window is over: no interval past its end, only the
			// connections to wait for.
			select {
			case <-done:
			case <-ctx.Done():
				<-done
			}
			return m.finish(cpu0, time.Now())
		}
		next := earliest(tick.Add(m.every), m.rec.end)
		timer.Reset(time.Until(next))
		select {
		case <-timer.C:
			m.interval(tick, next, false)
			m.ticks++
		case <-done:
			return m.finish(cpu0, time.Now())
		case <-ctx.Done():
			<-done
			return m.finish(cpu0, time.Now())
		}
	}
}

// result is what the recorder measured until stopped, with what the
// monitor saw: the series and the client's CPU.
func (m *monitor) result(stopped time.Time, mode string, engine Engine, conns int) *results.Load {
	load := m.rec.load(max(stopped.Sub(m.rec.from), 0))
	load.Mode = mode
	load.Engine = string(engine)
	load.Conns = conns
	load.Series = m.series
	if len(m.series) > 0 {
		load.Interval = m.every.Seconds()
	}
	load.ClientUser = m.cpu.user.Seconds()
	load.ClientSys = m.cpu.sys.Seconds()
	return load
}

// finish folds the last part of an interval, reads the CPU time, and
// returns when the run stopped.
func (m *monitor) finish(cpu0 cpuTimes, now time.Time) time.Time {
	cpu1 := cpuTime()
	m.cpu = cpuTimes{user: cpu1.user - cpu0.user, sys: cpu1.sys - cpu0.sys}
	m.cpus = availableCPUs()
	stopped := earliest(now, m.rec.end)
	m.stopped = stopped
	if stopped.After(m.rec.from) {
		tick := m.rec.from.Add(time.Duration(m.ticks) * m.every)
		switch {
		case stopped.After(tick):
			m.interval(tick, stopped, true)
		case len(m.series) > 0:
			// Answers recorded after the last interval was folded (they came
			// before the end): the last interval's, so the series adds up.
			sec := m.rec.tick()
			last := &m.series[len(m.series)-1]
			last.Requests += sec.Requests
			last.Errors += sec.Errors
			m.progress.Requests += sec.Requests
			m.progress.Errors += sec.Errors
			fallthrough
		default:
			if m.progress.Interval > 0 {
				m.report(true)
			}
		}
	}
	return stopped
}

// interval folds [from, to) into the series, the interval log and the
// progress report; last is the run's last interval.
func (m *monitor) interval(from, to time.Time, last bool) {
	sec := m.rec.tick()
	m.series = append(m.series, sec)
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
	m.progress.Elapsed = to.Sub(m.start)
	m.progress.Requests += sec.Requests
	m.progress.Errors += sec.Errors
	m.progress.Interval += to.Sub(from)
	m.progress.P99 = max(m.progress.P99, time.Duration(sec.P99)*time.Microsecond)
	m.report(last)
}

// report calls the progress callback with the intervals folded since its
// last call, once they make up a second, or at the end.
func (m *monitor) report(last bool) {
	if m.cfg.progress == nil || (m.progress.Interval < time.Second && !last) {
		return
	}
	if c := m.cfg.chat; c != nil {
		cc := c.withDefaults()
		readers := float64(cc.Members - cc.slow())
		m.progress.Owed = cc.Rate * readers * (readers - 1)
	}
	m.cfg.progress(m.progress)
	m.progress = Progress{}
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
