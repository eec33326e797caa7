package loadgen

import (
	"context"
	"time"
)

// reconnectPause keeps a connection whose target refuses it from spinning;
// each refusal is still counted.
const reconnectPause = 10 * time.Millisecond

// closedWorker drives one connection of a closed loop: send (a pipeline of)
// requests, wait for the answers, think, send again.
type closedWorker struct {
	run   *runState
	mix   *mix
	shard *shard

	c    conn
	reqs []*encoded
}

func (w *closedWorker) loop(ctx context.Context) {
	defer w.c.close()
	cfg := w.run.cfg
	for ctx.Err() == nil {
		if !w.c.open() {
			if err := w.c.dial(ctx, w.run); err != nil {
				w.run.dialFailed(ctx, w.shard, err)
				continue
			}
		}
		w.reqs = w.reqs[:0]
		for range cfg.pipeline {
			w.reqs = append(w.reqs, w.mix.next())
		}
		sent := time.Now()
		w.exchange(ctx, sent)
		if cfg.connPerReq {
			w.c.close()
		}
		if cfg.think > 0 && ctx.Err() == nil {
			w.run.sleep(ctx, cfg.think)
		}
	}
}

// exchange writes the round's requests and reads their answers.
func (w *closedWorker) exchange(ctx context.Context, sent time.Time) {
	rs := w.run
	deadline := earliest(sent.Add(rs.cfg.timeout), rs.rec.end)
	if err := w.c.send(w.reqs, deadline); err != nil {
		rs.lost(ctx, w.shard, &w.c, kindOf(err, false), len(w.reqs), sent)
		return
	}
	for i, req := range w.reqs {
		resp, err := w.c.read(req)
		if err != nil {
			rs.lost(ctx, w.shard, &w.c, kindOf(err, false), len(w.reqs)-i, sent)
			return
		}
		end := time.Now()
		if kind := rs.check(req, resp); kind != "" {
			rs.rec.badAnswer(w.shard, end, kind)
			w.abandon(end, sent, len(w.reqs)-i-1)
			return
		}
		rs.rec.success(w.shard, end, end, end.Sub(sent), end.Sub(sent), resp.Size)
		if resp.Close {
			rs.targetClosed(w.shard, end)
			w.abandon(end, sent, len(w.reqs)-i-1)
			return
		}
	}
}

// abandon closes the connection after the answer that came at now ended
// it: the n requests of the pipeline still unanswered, sent at sent, were
// cut short then by the target, not by the run's end.
func (w *closedWorker) abandon(now, sent time.Time, n int) {
	w.c.close()
	w.run.rec.lost(w.shard, n, ErrClosed, false, now, sent)
}
