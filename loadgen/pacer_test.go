package loadgen

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestPacers(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	tests := []struct {
		name    string
		pacer   Pacer
		elapsed time.Duration
		sent    uint64
		wait    time.Duration
		stop    bool
	}{
		{name: "constant: first at once", pacer: ConstantRate(100), elapsed: 0, sent: 0, wait: 0},
		{name: "constant: next in 10ms", pacer: ConstantRate(100), elapsed: 0, sent: 1, wait: 10 * ms},
		{name: "constant: on time", pacer: ConstantRate(100), elapsed: 1 * time.Second, sent: 100, wait: 0},
		{name: "constant: behind sends at once", pacer: ConstantRate(100), elapsed: time.Second, sent: 50, wait: 0},
		{name: "constant: ahead waits", pacer: ConstantRate(100), elapsed: 500 * ms, sent: 60, wait: 100 * ms},
		{name: "constant: zero rate stops", pacer: ConstantRate(0), stop: true},
		{name: "ramp: 0→200/s over 1s, hit 1 at 100ms", pacer: LinearRamp(0, 200, time.Second), sent: 1, wait: 100 * ms},
		{name: "ramp: half way has 50 hits", pacer: LinearRamp(0, 200, time.Second), elapsed: 400 * ms, sent: 25, wait: 100 * ms},
		{name: "ramp: after the ramp, constant", pacer: LinearRamp(0, 200, time.Second), elapsed: time.Second, sent: 101, wait: 5 * ms},
		{name: "ramp: flat is constant", pacer: LinearRamp(50, 50, time.Second), sent: 5, wait: 100 * ms},
		{name: "ramp: down 100→0 ends", pacer: LinearRamp(100, 0, time.Second), sent: 50, stop: true},
		{name: "steps: first step", pacer: Steps(Step{Rate: 10, For: time.Second}, Step{Rate: 100, For: time.Second}), sent: 5, wait: 500 * ms},
		{name: "steps: second step", pacer: Steps(Step{Rate: 10, For: time.Second}, Step{Rate: 100, For: time.Second}), elapsed: time.Second, sent: 15, wait: 50 * ms},
		{name: "steps: pause", pacer: Steps(Step{Rate: 10, For: time.Second}, Step{Rate: 0, For: time.Second}, Step{Rate: 10, For: time.Second}), elapsed: time.Second, sent: 10, wait: time.Second},
		{name: "steps: over", pacer: Steps(Step{Rate: 10, For: time.Second}), elapsed: time.Second, sent: 10, stop: true},
		{name: "trace: at its offsets", pacer: trace{{At: 0}, {At: 30 * ms}, {At: 30 * ms}}, elapsed: 10 * ms, sent: 1, wait: 20 * ms},
		{name: "trace: same offset at once", pacer: trace{{At: 0}, {At: 30 * ms}, {At: 30 * ms}}, elapsed: 30 * ms, sent: 2, wait: 0},
		{name: "trace: over", pacer: trace{{At: 0}}, sent: 1, stop: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wait, stop := tt.pacer.Pace(tt.elapsed, tt.sent)
			assert.Equal(t, tt.stop, stop)
			if !tt.stop {
				assert.InDelta(t, tt.wait, wait, float64(time.Microsecond))
			}
		})
	}
}

// Hits and Due agree: request n is due when n requests have been due.
func TestSchedulerHitsMatchDue(t *testing.T) {
	t.Parallel()
	for _, p := range []Pacer{
		ConstantRate(1000),
		LinearRamp(10, 5000, 2*time.Second),
		LinearRamp(3000, 100, time.Second),
		Steps(Step{Rate: 100, For: time.Second}, Step{Rate: 0, For: 500 * time.Millisecond}, Step{Rate: 2000, For: time.Second}),
	} {
		s := p.(Scheduler)
		for n := uint64(0); n < 2000; n += 37 {
			at, ok := s.Due(n)
			if !ok {
				break
			}
			assert.InDelta(t, float64(n), s.Hits(at), 0.01, "%T n=%d at=%s", p, n, at)
		}
	}
}

func TestAskedRate(t *testing.T) {
	t.Parallel()
	cfg := defaults()
	cfg.pacer = LinearRamp(0, 100, 2*time.Second)
	cfg.warmup, cfg.duration = time.Second, time.Second
	// 0→100 over 2s: 25 hits in the first second, 75 in the second.
	assert.InDelta(t, 75, cfg.askedRate(), 1e-9)
}
