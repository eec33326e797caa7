package loadgen

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// The one rule for requests that get no answer (recorder.lost): failures
// while the run goes on, unfinished once it is ending; in an open loop
// counted by when they were due.
func TestLostRequestsRule(t *testing.T) {
	t.Parallel()
	from := time.Date(2026, 1, 1, 0, 0, 1, 0, time.UTC) // after a 1 s warm-up
	end := from.Add(10 * time.Second)
	s, ms := time.Second, time.Millisecond
	tests := []struct {
		name       string
		open       bool
		n          int
		stopped    bool
		now, since time.Time
		errors     int64 // of the kind given
		unfinished int64
		oldest     time.Duration
	}{
		{name: "closed, running: failures", n: 3, now: from.Add(5 * s), since: from.Add(4 * s), errors: 3},
		{name: "closed, running, in the warm-up: not counted", n: 3, now: from.Add(-500 * ms), since: from.Add(-s)},
		{name: "closed, past the end: unfinished, aged to the end", n: 3, now: end.Add(ms), since: end.Add(-2 * s), unfinished: 3, oldest: 2 * s},
		{name: "closed, at the end exactly: unfinished", n: 1, now: end, since: end.Add(-s), unfinished: 1, oldest: s},
		{name: "closed, stopped early: unfinished, aged to now", n: 2, stopped: true, now: from.Add(5 * s), since: from.Add(4 * s), unfinished: 2, oldest: s},
		{name: "closed, stopped in the warm-up: sent, so unfinished", n: 3, stopped: true, now: from.Add(-500 * ms), since: from.Add(-s), unfinished: 3, oldest: 500 * ms},
		{name: "closed, sent after the end: age 0", n: 1, now: end.Add(2 * ms), since: end.Add(ms), unfinished: 1},
		{name: "none", n: 0, stopped: true, now: end, since: from},
		{name: "open, running, due in the window: failures", open: true, n: 1, now: from.Add(5 * s), since: from.Add(4 * s), errors: 1},
		{name: "open, running, due in the warm-up: not counted", open: true, n: 1, now: from.Add(500 * ms), since: from.Add(-500 * ms)},
		{name: "open, past the end, due in the window: unfinished", open: true, n: 1, now: end.Add(ms), since: end.Add(-s), unfinished: 1, oldest: s},
		{name: "open, stopped, due in the window: unfinished", open: true, n: 1, stopped: true, now: from.Add(2 * s), since: from.Add(s), unfinished: 1, oldest: s},
		{name: "open, stopped, due in the warm-up: not counted", open: true, n: 1, stopped: true, now: from.Add(-200 * ms), since: from.Add(-500 * ms)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRecorder(1, from, end.Sub(from), tt.open)
			sh := r.shard(0)
			r.lost(sh, tt.n, ErrReset, tt.stopped, tt.now, tt.since)
			assert.Equal(t, tt.errors, sh.errors[ErrReset], "errors")
			assert.Equal(t, tt.errors, sh.ivErrors, "errors this second")
			assert.Len(t, sh.errors, min(int(tt.errors), 1), "no other kind")
			assert.Equal(t, tt.unfinished, sh.unfinished, "unfinished")
			assert.Equal(t, tt.oldest, sh.oldest, "oldest")
		})
	}
}

// Every answer is counted once wherever it lands in time: a failed one
// that comes after the end of a closed run is an error, as a good one is
// unfinished; in an open loop both count by when they were due.
func TestAnswersAfterTheEndCounted(t *testing.T) {
	t.Parallel()
	from := time.Date(2026, 1, 1, 0, 0, 1, 0, time.UTC)
	end := from.Add(10 * time.Second)
	ms := time.Millisecond
	tests := []struct {
		name       string
		open       bool
		key        time.Time
		errors     int64
		unfinished int64 // of a good answer at the same time
	}{
		{name: "closed, in the window", key: from.Add(ms), errors: 1},
		{name: "closed, after the end", key: end.Add(ms), errors: 1, unfinished: 1},
		{name: "closed, in the warm-up: not counted", key: from.Add(-ms)},
		{name: "open, due in the window", open: true, key: end.Add(-ms), errors: 1},
		{name: "open, due in the warm-up: not counted", open: true, key: from.Add(-ms)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRecorder(1, from, end.Sub(from), tt.open)
			sh := r.shard(0)
			r.badAnswer(sh, tt.key, "status 503")
			assert.Equal(t, tt.errors, sh.errors["status 503"], "errors")
			assert.Equal(t, tt.errors, sh.ivErrors, "errors this interval")
			if !tt.open {
				r.success(sh, tt.key, tt.key, ms, ms, 10)
				assert.Equal(t, tt.unfinished, sh.unfinished, "a good answer then: unfinished")
			}
		})
	}
}
