package loadgen

import (
	"context"
	"errors"
	"net"
	"os"
	"sync"
	"time"

	"github.com/corobench/corobench/protocol"
)

// runDatagramConns drives each client from a goroutine of its own, on a
// plain net.UDPConn: one Write and one Read per request, the read parked in
// Go's netpoller until its answer comes. It is the client most Go programs
// would write, kept to measure the epoll engine's batching against.
func runDatagramConns(ctx context.Context, dr *drun) dstats {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		total dstats
	)
	for i, c := range dr.clients {
		sh := dr.rec.shard(i)
		wg.Go(func() {
			st := dr.connClient(ctx, c, sh)
			mu.Lock()
			total.add(&st)
			mu.Unlock()
		})
	}
	wg.Wait()
	return total
}

// connClient is one client of the goroutine engine, until the run ends.
func (dr *drun) connClient(ctx context.Context, c *dclient, sh *shard) (st dstats) {
	rec := dr.rec
	conn, err := net.DialUDP("udp", nil, dr.addr)
	if err != nil {
		rec.failure(sh, time.Now(), kindOf(err, true))
		return st
	}
	defer conn.Close()
	defer context.AfterFunc(ctx, func() { conn.SetReadDeadline(time.Unix(1, 0)) })()
	buf := make([]byte, dr.bufSize)
	s := &c.slots[0]
	for ctx.Err() == nil {
		now := time.Now()
		if !now.Before(rec.end) {
			break
		}
		s.encode(dr.salt, c.mix.next())
		s.sent, s.due = now, now
		if _, err := conn.Write(s.buf); err != nil {
			s.busy = false
			rec.failure(sh, now, kindOf(err, false))
			dr.pause(ctx)
			continue
		}
		if rec.counts(now) {
			st.sent++
		}
		conn.SetReadDeadline(earliest(now.Add(dr.cfg.timeout), rec.end))
		for s.busy {
			n, err := conn.Read(buf)
			t := time.Now()
			if err != nil {
				s.busy = false
				if errors.Is(err, os.ErrDeadlineExceeded) {
					rec.lost(sh, 1, ErrLost, ctx.Err() != nil, t, s.due)
				} else {
					rec.failure(sh, t, kindOf(err, false))
					dr.pause(ctx)
				}
				break
			}
			var a protocol.DatagramAnswer
			if n == len(buf) || protocol.ParseDatagramAnswer(buf[:n], &a) != nil {
				st.stray(rec, strayMalformed, t)
				continue
			}
			if _, kind := dr.find(a.ID, c.sock); kind != matched {
				st.stray(rec, kind, t)
				continue
			}
			s.answered()
			if kind := checkDatagram(dr.sums, s.req, &a); kind != "" {
				rec.failure(sh, t, kind)
				continue
			}
			rec.success(sh, t, t, t.Sub(s.sent), t.Sub(s.sent), int64(n))
			if rec.counts(t) && t.Before(rec.end) {
				c.served = true
			}
		}
	}
	return st
}

// pause keeps a client whose target refuses it from spinning.
func (dr *drun) pause(ctx context.Context) {
	t := time.NewTimer(reconnectPause)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
