package loadgen

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"time"

	"github.com/corobench/corobench/results"
)

// drun is what every engine and client of one datagram run shares; after
// the setup only the clients change, each in the hands of one engine
// thread.
type drun struct {
	cfg     *config
	rec     *recorder
	sums    *checksums
	salt    uint64
	addr    *net.UDPAddr
	mode    string
	start   time.Time
	reqs    []dreq
	weights []int
	clients []*dclient
	sockets int
	window  int
	bufSize int // of a buffer an answer is read into
	// The open loop's schedule.
	pacer Pacer
}

// dstats is what an engine thread counted: requests sent in the window,
// stray answers by kind, and a batch's first send and last answer.
type dstats struct {
	sent        int64
	strays      [len(strayKinds)]int64
	first, last time.Time
}

func (s *dstats) add(o *dstats) {
	s.sent += o.sent
	for i, n := range o.strays {
		s.strays[i] += n
	}
	if !o.first.IsZero() && (s.first.IsZero() || o.first.Before(s.first)) {
		s.first = o.first
	}
	if o.last.After(s.last) {
		s.last = o.last
	}
}

// stray counts a stray answer that came at now, if in the window.
func (s *dstats) stray(rec *recorder, k strayKind, now time.Time) {
	if rec.counts(now) {
		s.strays[k]++
	}
}

// runDatagrams is Run over UDP: clients with windows of requests in flight,
// on the epoll engine's threads (recvmmsg and sendmmsg) or, when asked, a
// goroutine per client with a plain net.UDPConn.
func runDatagrams(ctx context.Context, addr string, cfg *config) (*results.Load, error) {
	dr, err := newDrun(addr, cfg)
	if err != nil {
		return nil, err
	}
	mode := dr.mode
	engine, threads := cfg.engine, 0
	switch {
	case engine == EngineGoroutines:
	case !epollSupported:
		engine = EngineGoroutines
	default:
		engine = EngineEpoll
		threads = 1 // an open loop paces from one thread; a batch is sent at once from one
		if mode == results.ModeClosed {
			threads = max(1, min(cfg.loops(), dr.sockets))
		}
	}
	shards := threads
	if threads == 0 {
		shards = shardsFor(len(dr.clients))
	}
	dr.rec = newRecorder(shards, dr.start.Add(cfg.warmup), cfg.duration, mode == results.ModeOpen)
	if mode == results.ModeBatch {
		dr.rec = newRecorder(shards, dr.start, cfg.duration, false)
	}
	runCtx, cancel := context.WithDeadline(ctx, dr.rec.end)
	defer cancel()

	kernel := newKernelDrops(dr.addr)
	mark := time.AfterFunc(time.Until(dr.rec.from), kernel.mark) // the measured window's start
	defer mark.Stop()

	var (
		st     dstats
		runErr error
	)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if threads > 0 {
			st, runErr = runDatagramLoops(runCtx, dr, threads)
		} else {
			st = runDatagramConns(runCtx, dr)
		}
	}()
	m := newMonitor(cfg, dr.rec, dr.start)
	stopped := m.watch(runCtx, done)
	if runErr != nil {
		return nil, runErr
	}
	kernel.finish()

	load := m.result(stopped, mode, engine, len(dr.clients))
	load.Datagram = dr.stats(&st, kernel)
	switch mode {
	case results.ModeOpen:
		load.Rate = cfg.askedRate()
	case results.ModeBatch:
		if !st.first.IsZero() && !st.last.IsZero() {
			load.Makespan = st.last.Sub(st.first).Seconds()
			load.Elapsed = load.Makespan
		}
	}
	load.Warnings = append(load.Warnings, m.warnings()...)
	load.Warnings = append(load.Warnings, warnings(cfg, load, ctx.Err() != nil)...)
	load.Warnings = append(load.Warnings, datagramWarnings(load)...)
	return load, m.err
}

// newDrun checks a datagram run's settings and sets up its clients.
func newDrun(addr string, cfg *config) (*drun, error) {
	if err := cfg.validateDatagrams(); err != nil {
		return nil, err
	}
	ua, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return nil, fmt.Errorf("loadgen: address %q: %w", addr, err)
	}
	reqs, weights, err := encodeDatagrams(cfg.requests)
	if err != nil {
		return nil, err
	}
	dr := &drun{cfg: cfg, sums: newChecksums(), salt: rand.Uint64() >> (64 - saltBits), addr: ua, mode: cfg.mode(),
		start: time.Now(), reqs: reqs, weights: weights, pacer: cfg.pacer}
	clients := cfg.conns
	dr.window = max(cfg.dgram.window, DefaultWindow)
	switch dr.mode {
	case results.ModeOpen:
		dr.window = min((cfg.maxConns+clients-1)/clients, MaxWindow)
	case results.ModeBatch:
		clients, dr.window = cfg.batch, 1
	}
	dr.sockets = clients
	if cfg.dgram.sockets > 0 {
		dr.sockets = min(cfg.dgram.sockets, clients)
	}
	for _, r := range reqs {
		dr.bufSize = max(dr.bufSize, r.answer+1) // a byte more: a longer answer shows
	}
	for i := range clients {
		dr.clients = append(dr.clients, newDclient(i, i%dr.sockets, dr.window, newDmix(reqs, weights, cfg.seed+uint64(i))))
	}
	return dr, nil
}

// validateDatagrams checks what a datagram run cannot do.
func (c *config) validateDatagrams() error {
	clients := c.conns
	if c.batch > 0 {
		clients = c.batch
	}
	switch {
	case c.trace != nil:
		return fmt.Errorf("loadgen: a trace is not replayed over datagrams")
	case c.pipeline > 1:
		return fmt.Errorf("loadgen: datagrams are not pipelined: keep requests in flight with a window")
	case c.connPerReq:
		return fmt.Errorf("loadgen: datagrams have no connection to open per request")
	case c.think > 0:
		return fmt.Errorf("loadgen: think time is not supported over datagrams")
	case c.dgram.window < 0 || c.dgram.window > MaxWindow:
		return fmt.Errorf("loadgen: the window must be from 1 to %d, not %d", MaxWindow, c.dgram.window)
	case c.dgram.sockets < 0:
		return fmt.Errorf("loadgen: sockets must not be negative, not %d", c.dgram.sockets)
	case clients > maxDatagramClients:
		return fmt.Errorf("loadgen: at most %d datagram clients, not %d", maxDatagramClients, clients)
	case c.engine == EngineURing:
		return fmt.Errorf("loadgen: over datagrams the engines are epoll (recvmmsg and sendmmsg) and goroutines")
	case c.engine == EngineGoroutines && (c.mode() != results.ModeClosed || c.dgram.window > 1 ||
		(c.dgram.sockets > 0 && c.dgram.sockets < c.conns)):
		return fmt.Errorf("loadgen: the goroutine engine keeps one request in flight per client, on its own socket, in a closed loop")
	}
	return nil
}

// stats is the run's datagram record, from the engines' counts and the
// kernel's.
func (dr *drun) stats(st *dstats, k *kernelDrops) *results.Datagram {
	d := &results.Datagram{Window: dr.window, Sockets: dr.sockets, Sent: st.sent,
		TargetDrops: k.target, ClientDrops: k.client, RcvbufErrors: k.rcvbuf}
	for _, c := range dr.clients {
		if c.served {
			d.Served++
		}
	}
	for i, n := range st.strays {
		if n > 0 {
			if d.Strays == nil {
				d.Strays = map[string]int64{}
			}
			d.Strays[strayKinds[i]] = n
		}
	}
	return d
}

// datagramWarnings are the caveats of a datagram run: requests lost,
// answers that matched nothing, clients never served, datagrams the kernel
// dropped.
func datagramWarnings(l *results.Load) []string {
	d := l.Datagram
	var w []string
	if lost := l.Errors[ErrLost]; lost > 0 && d.Sent > 0 {
		w = append(w, fmt.Sprintf("lost: %d of %d requests sent got no answer in time (%.1f%%)", lost, d.Sent, 100*float64(lost)/float64(d.Sent)))
	}
	if n := d.StrayCount(); n > 0 {
		w = append(w, fmt.Sprintf("strays: %d answers matched no request in flight (%s)", n, strayList(d.Strays)))
	}
	if d.Served < l.Conns && l.Mode != results.ModeBatch {
		w = append(w, fmt.Sprintf("unserved: %d of %d clients got no answer in the measured window", l.Conns-d.Served, l.Conns))
	}
	switch {
	case d.TargetDrops > 0:
		w = append(w, fmt.Sprintf("target drops: the target's socket buffer overflowed, %d datagrams dropped by the kernel", d.TargetDrops))
	case d.TargetDrops < 0 && d.RcvbufErrors > 0:
		// The target runs elsewhere: the machine's count is all there is,
		// and it is every socket's, this machine's.
		w = append(w, fmt.Sprintf("machine drops: %d datagrams dropped for full receive buffers on this machine (RcvbufErrors, any socket's); the target's own count is not known here", d.RcvbufErrors))
	}
	if d.ClientDrops > 0 {
		w = append(w, fmt.Sprintf("client drops: the client's socket buffers overflowed, %d answers dropped by the kernel", d.ClientDrops))
	}
	return w
}

// strayList is "3 late, 1 duplicate", in the kinds' order.
func strayList(m map[string]int64) string {
	s := ""
	for _, k := range strayKinds {
		if m[k] > 0 {
			if s != "" {
				s += ", "
			}
			s += fmt.Sprintf("%d %s", m[k], k)
		}
	}
	return s
}
