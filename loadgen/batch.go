package loadgen

import (
	"context"
	"sync"
	"time"
)

// runBatch opens cfg.batch connections, then sends one request on each at
// once, and returns when the first left and the last was answered (zero
// times when none was).
func runBatch(ctx context.Context, rs *runState) (first, last time.Time) {
	n := rs.cfg.batch
	sent := make([]time.Time, n)
	answered := make([]time.Time, n)
	fire := make(chan struct{})
	var ready, done sync.WaitGroup
	ready.Add(n)
	for i := range n {
		done.Go(func() {
			shard := rs.rec.shard(i)
			req := newMix(rs.reqs, rs.cfg.seed+uint64(i)).next()
			var c conn
			defer c.close()
			err := c.dial(ctx, rs)
			ready.Done()
			if err != nil {
				rs.rec.failure(shard, time.Now(), kindOf(err, true))
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-fire:
			}
			sent[i] = time.Now()
			if err := c.sendOne(req, earliest(sent[i].Add(rs.cfg.timeout), rs.rec.end)); err != nil {
				rs.lost(ctx, shard, &c, kindOf(err, false), 1, sent[i])
				return
			}
			resp, err := c.read(req)
			if err != nil {
				rs.lost(ctx, shard, &c, kindOf(err, false), 1, sent[i])
				return
			}
			end := time.Now()
			if kind := rs.check(req, resp); kind != "" {
				rs.rec.badAnswer(shard, end, kind)
				return
			}
			answered[i] = end
			rs.rec.success(shard, end, end, end.Sub(sent[i]), end.Sub(sent[i]), resp.Size)
		})
	}
	ready.Wait()
	close(fire)
	done.Wait()
	for i := range n {
		if !sent[i].IsZero() && (first.IsZero() || sent[i].Before(first)) {
			first = sent[i]
		}
		if answered[i].After(last) {
			last = answered[i]
		}
	}
	return first, last
}
