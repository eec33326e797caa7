package loadgen

import (
	"context"
	"net"
	"sync"
	"time"

	"github.com/corobench/corobench/targets/protocol"
	"github.com/corobench/corobench/targets/work"
)

// reconnectPause keeps a worker whose target refuses connections from
// spinning; each refusal is still counted.
const reconnectPause = 10 * time.Millisecond

// worker drives one connection: send, wait for the answer, send again.
type worker struct {
	addr    string
	timeout time.Duration
	mix     *mix
	rec     *recorder
	shard   *shard
	sums    *checksums

	conn net.Conn
	buf  []byte // received bytes not yet parsed
}

func (w *worker) run(ctx context.Context) {
	defer w.close()
	w.buf = make([]byte, 0, 16<<10)
	for ctx.Err() == nil {
		if w.conn == nil && !w.dial(ctx) {
			continue
		}
		w.roundTrip(w.mix.next())
	}
}

func (w *worker) dial(ctx context.Context) bool {
	d := net.Dialer{Timeout: w.timeout}
	c, err := d.DialContext(ctx, "tcp", w.addr)
	if err != nil {
		if ctx.Err() == nil {
			w.rec.failure(w.shard, time.Now(), kindOf(err, true))
			select {
			case <-ctx.Done():
			case <-time.After(reconnectPause):
			}
		}
		return false
	}
	w.conn, w.buf = c, w.buf[:0]
	return true
}

func (w *worker) close() {
	if w.conn != nil {
		w.conn.Close()
		w.conn = nil
	}
}

// roundTrip sends one request and reads its answer.
func (w *worker) roundTrip(req *encoded) {
	start := time.Now()
	deadline := start.Add(w.timeout)
	if deadline.After(w.rec.end) {
		deadline = w.rec.end
	}
	w.conn.SetDeadline(deadline)
	if _, err := w.conn.Write(req.bytes); err != nil {
		w.fail(err)
		return
	}
	var resp protocol.Response
	for {
		n, err := protocol.ParseResponse(w.buf, &resp)
		if err != nil {
			w.fail(err)
			return
		}
		if n > 0 {
			end := time.Now()
			if kind := w.check(req, &resp); kind != "" {
				w.rec.failure(w.shard, end, kind)
				w.close()
				return
			}
			w.rec.success(w.shard, end, end.Sub(start))
			w.buf = w.buf[:copy(w.buf, w.buf[n:])]
			if resp.Close {
				w.close()
			}
			return
		}
		if len(w.buf) == cap(w.buf) {
			grown := make([]byte, len(w.buf), 2*cap(w.buf))
			copy(grown, w.buf)
			w.buf = grown
		}
		m, err := w.conn.Read(w.buf[len(w.buf):cap(w.buf)])
		w.buf = w.buf[:len(w.buf)+m]
		if err != nil {
			w.fail(err)
			return
		}
	}
}

// fail records a broken request and drops the connection. A request cut
// short by the end of the run is not a failure.
func (w *worker) fail(err error) {
	now := time.Now()
	w.close()
	if !now.Before(w.rec.end) {
		return
	}
	w.rec.failure(w.shard, now, kindOf(err, false))
}

// check returns the error kind of a wrong answer, or "".
func (w *worker) check(req *encoded, resp *protocol.Response) string {
	if resp.Status != 200 {
		return statusKind(resp.Status)
	}
	if !req.proof {
		return ""
	}
	units, sum, ok := protocol.ParseCPUBody(resp.Body)
	switch {
	case !ok:
		return ErrBadBody
	case w.sums.get(units) != sum:
		return ErrChecksum
	}
	return ""
}

// checksums caches the checksum of each amount of work seen, so the client
// verifies every /cpu answer while doing the work itself once per amount.
type checksums struct {
	mu  sync.Mutex
	sum map[uint64]uint32
}

func newChecksums() *checksums { return &checksums{sum: map[uint64]uint32{}} }

func (c *checksums) get(units uint64) uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.sum[units]
	if !ok {
		s = work.Spin(units)
		c.sum[units] = s
	}
	return s
}
