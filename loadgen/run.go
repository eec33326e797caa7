package loadgen

import (
	"context"
	"time"
)

// runState is what every connection of one run shares.
type runState struct {
	cfg  *config
	addr string
	rec  *recorder
	sums *checksums
}

// ending reports whether a failure now is the run ending rather than the
// target failing.
func (rs *runState) ending(ctx context.Context, now time.Time) bool {
	return ctx.Err() != nil || !now.Before(rs.rec.end)
}

// dialFailed counts a failed connect and pauses before the next try.
func (rs *runState) dialFailed(ctx context.Context, s *shard, err error) {
	now := time.Now()
	if rs.ending(ctx, now) {
		return
	}
	rs.rec.failure(s, now, kindOf(err, true))
	rs.sleep(ctx, reconnectPause)
}

// lost closes c after err cut n requests short, sent (or due) at since:
// they are unfinished if the run is ending, else failures of err's kind.
func (rs *runState) lost(ctx context.Context, s *shard, c *conn, err error, n int, since time.Time) {
	rs.lostAt(ctx, s, c, err, n, since, time.Time{})
}

// lostAt is lost with the failures counted at key (zero: now); see
// recorder.success.
func (rs *runState) lostAt(ctx context.Context, s *shard, c *conn, err error, n int, since, key time.Time) {
	c.close()
	now := time.Now()
	if rs.ending(ctx, now) {
		rs.unfinishedAt(s, n, now, since, key)
		return
	}
	if key.IsZero() {
		key = now
	}
	kind := kindOf(err, false)
	for range n {
		rs.rec.failure(s, key, kind)
	}
}

// unfinishedAt counts n requests sent (or due) at since and unanswered when
// the run ended (at now or before): in an open loop (key, their due time,
// not zero) only those due in the window, so that what was due there adds
// up; in a closed loop those sent before the end, warm-up included.
func (rs *runState) unfinishedAt(s *shard, n int, now, since, key time.Time) {
	if !key.IsZero() && !rs.rec.counts(key) {
		return
	}
	// Sent, so counted, even in the instant the run ended: the target may
	// have answered it.
	rs.rec.unfinished(s, n, max(earliest(now, rs.rec.end).Sub(since), 0))
}

// sleep waits d or until ctx ends.
func (rs *runState) sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// earliest is the earlier of two times.
func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
