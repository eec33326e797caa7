package loadgen

import (
	"context"
	"crypto/tls"
	"time"
)

// runState is what every connection of one run shares.
type runState struct {
	cfg  *config
	addr string
	rec  *recorder
	sums *checksums
	reqs *requestSet
	tls  *tls.Config // nil: plain TCP
}

// targetClosed counts a connection the target closed, at now, that the
// run did not ask it to close: it is opened again.
func (rs *runState) targetClosed(s *shard, now time.Time) {
	if !rs.cfg.connPerReq {
		rs.rec.reconnect(s, now)
	}
}

// ending reports whether a failure now is the run ending rather than the
// target failing.
func (rs *runState) ending(ctx context.Context, now time.Time) bool {
	return rs.rec.ending(ctx.Err() != nil, now)
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

// lost closes c after a failure of kind cut n requests short, sent (in an
// open loop, due) at since, and records them as recorder.lost says.
func (rs *runState) lost(ctx context.Context, s *shard, c *conn, kind string, n int, since time.Time) {
	c.close()
	rs.rec.lost(s, n, kind, ctx.Err() != nil, time.Now(), since)
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
