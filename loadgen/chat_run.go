package loadgen

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/corobench/corobench/results"
)

// chatRun is what every member of one chat run shares. The run's clock:
// members join over [start, start+Join), the warm-up follows, the measured
// window is [from, end); members stop sending at end and read until
// readEnd, a grace later, when what they have not read is lost.
type chatRun struct {
	cfg     *config
	chat    Chat
	addr    string
	network string // tcp or udp
	tag     string // the run's name prefix: "tttt."
	start   time.Time
	from    time.Time
	end     time.Time
	readEnd time.Time
	rec     *recorder
	// claimed is, per member, how many sequence numbers it has taken:
	// a message is claimed before it is written, so a member that logs in
	// and then reads claimed[s] is owed every message of s from there.
	claimed []atomic.Uint32
	members []*chatMember
}

// runChat is Run in chat mode.
func runChat(ctx context.Context, addr string, cfg *config) (*results.Load, error) {
	c := cfg.chat.withDefaults()
	if err := c.validate(cfg); err != nil {
		return nil, err
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return nil, fmt.Errorf("loadgen: address %q: %w", addr, err)
	}
	cr := newChatRun(addr, cfg, c, time.Now())
	// The members' last words (Q) and closes come after readEnd; a target
	// that takes them no answer cannot hold the run past one timeout more.
	runCtx, cancel := context.WithDeadline(ctx, cr.readEnd.Add(cfg.timeout))
	defer cancel()

	var kernel *kernelDrops // the target's socket's drops, over UDP
	if cr.network == NetUDP {
		if ua, err := net.ResolveUDPAddr(NetUDP, addr); err == nil {
			kernel = newKernelDrops(ua)
			kernel.mark() // before the first login: the span the members count losses over
		}
	}
	var (
		wg     sync.WaitGroup
		before *results.ChatServer
		errS   error
	)
	wg.Go(func() {
		if sleepUntil(runCtx, cr.from) {
			before, errS = chatStats(runCtx, cr.network, addr, cfg.timeout)
		}
	})
	for _, m := range cr.members {
		wg.Go(func() { m.run(runCtx) })
	}
	if c.Churn > 0 {
		wg.Go(func() { cr.churn(runCtx) })
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	mon := newMonitor(cfg, cr.rec, cr.start)
	stopped := mon.watch(runCtx, done)

	load := mon.result(stopped, results.ModeChat, EngineGoroutines, c.Members)
	load.Elapsed = min(load.Elapsed, cfg.duration.Seconds()) // the grace is not sending time
	if iv := load.SeriesInterval(); len(load.Series) > 0 {
		keep := max(1, int((load.Elapsed+iv-1e-9)/iv))
		load.Series = load.Series[:min(keep, len(load.Series))]
	}
	load.Rate = c.Rate * float64(c.Members-c.slow())
	load.Chat = cr.result()
	if cr.network == NetUDP {
		load.Chat.TargetDrops = -1
		if kernel != nil {
			kernel.finish()
			load.Chat.TargetDrops = kernel.target
		}
	}
	if errS == nil && ctx.Err() == nil {
		var after *results.ChatServer
		after, errS = chatStats(ctx, cr.network, addr, cfg.timeout)
		if errS == nil {
			load.Chat.Server = after.Since(before)
		}
	}
	load.Warnings = append(load.Warnings, mon.warnings()...)
	load.Warnings = append(load.Warnings, chatWarnings(load, errS, ctx.Err() != nil, cfg.duration)...)
	return load, mon.err
}

func newChatRun(addr string, cfg *config, c Chat, now time.Time) *chatRun {
	cr := &chatRun{cfg: cfg, chat: c, addr: addr, network: NetTCP, tag: runTag(), start: now}
	if cfg.dgram.net == NetUDP {
		cr.network = NetUDP
	}
	cr.from = now.Add(c.Join + cfg.warmup)
	cr.end = cr.from.Add(cfg.duration)
	cr.readEnd = cr.end.Add(c.Grace)
	cr.rec = newRecorder(shardsFor(c.Members), cr.from, cfg.duration+c.Grace, false)
	cr.claimed = make([]atomic.Uint32, c.Members)
	slow := c.slow()
	for i := range c.Members {
		cr.members = append(cr.members, newChatMember(cr, i, i >= c.Members-slow))
	}
	return cr
}

// runTag is a prefix of the members' names, new for each run, so that a
// room still holding another run's members neither refuses ours nor
// mixes its messages with ours.
func runTag() string {
	const digits = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 0, 5)
	for range 4 {
		b = append(b, digits[rand.IntN(len(digits))])
	}
	return string(append(b, '.'))
}

// joinAt is when member i logs in: the members one after another over
// the join time.
func (cr *chatRun) joinAt(i int) time.Time {
	return cr.start.Add(time.Duration(int64(cr.chat.Join) * int64(i) / int64(cr.chat.Members)))
}

// snapshot copies the claimed counters into into (grown if short).
func (cr *chatRun) snapshot(into []uint32) []uint32 {
	into = into[:0]
	for i := range cr.claimed {
		into = append(into, cr.claimed[i].Load())
	}
	return into
}

// churn asks a reading member to leave and log in again, Churn times a
// second, in turn, from the end of the joins until the end.
func (cr *chatRun) churn(ctx context.Context) {
	every := time.Duration(float64(time.Second) / cr.chat.Churn)
	readers := cr.chat.Members - cr.chat.slow()
	next := cr.start.Add(cr.chat.Join)
	for i := 0; ; i++ {
		next = next.Add(every)
		if !next.Before(cr.end) || !sleepUntil(ctx, next) {
			return
		}
		select {
		case cr.members[i%readers].leave <- struct{}{}:
		default: // still away from the last time
		}
	}
}

// sleepUntil waits until t; false when ctx ended first.
func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}

// result adds up what the members counted.
func (cr *chatRun) result() *results.Chat {
	c := &results.Chat{Net: cr.network, Members: cr.chat.Members, Slow: cr.chat.slow(), Rate: cr.chat.Rate,
		Size: cr.chat.Size, Churn: cr.chat.Churn}
	known := false
	for _, m := range cr.members {
		c.ClientDrops += m.drops
		known = known || m.dropsKnown
		if m.joined {
			c.Joined++
		}
		c.Rejoins += m.rejoins
		c.Sent += m.sent
		c.Received += m.received
		c.Lost += m.lost
		c.Duplicated += m.dup
		c.OutOfOrder += m.ooo
		c.Broadcasts += m.broadcasts
		for k, n := range m.strays {
			if n > 0 {
				if c.Strays == nil {
					c.Strays = map[string]int64{}
				}
				c.Strays[chatStrayKinds[k]] += n
			}
		}
	}
	if cr.network == NetUDP && !known {
		c.ClientDrops = -1
	}
	return c
}

// dropCount is a kernel's drop count, or that it is not known.
func dropCount(n int64) string {
	if n < 0 {
		return "count not known"
	}
	return fmt.Sprintf("%d datagrams", n)
}

// chatWarnings are the caveats of a chat run.
func chatWarnings(l *results.Load, errStats error, interrupted bool, duration time.Duration) []string {
	c := l.Chat
	var w []string
	if interrupted {
		w = append(w, fmt.Sprintf("interrupted: measured %.1fs of %s", l.Elapsed, duration))
	}
	if c.Joined < c.Members {
		w = append(w, fmt.Sprintf("joined: %d of %d members logged in", c.Joined, c.Members))
	}
	if c.Lost > 0 {
		lost := fmt.Sprintf("lost: %d messages owed to reading members never reached them (%.2f%%)", c.Lost, 100*c.LossShare())
		if c.Net == NetUDP {
			client, target, rest := c.LossSplit()
			lost += fmt.Sprintf(": %d dropped at the members' sockets (%s), %d with messages dropped at the target's socket (%s), %d elsewhere",
				client, dropCount(c.ClientDrops), target, dropCount(c.TargetDrops), rest)
		}
		w = append(w, lost)
	}
	if c.Duplicated > 0 || c.OutOfOrder > 0 {
		w = append(w, fmt.Sprintf("order: %d messages read twice, %d out of their sender's order", c.Duplicated, c.OutOfOrder))
	}
	if n := c.StrayCount(); n > 0 {
		w = append(w, fmt.Sprintf("strays: %d lines were no message of this run (%s)", n, countList(c.Strays)))
	}
	if s := c.Server; s != nil && (s.Dropped > 0 || s.Kicked > 0) {
		w = append(w, fmt.Sprintf("room: the target dropped %d deliveries and disconnected %d members (its S counters)", s.Dropped, s.Kicked))
	}
	if errStats != nil {
		w = append(w, fmt.Sprintf("room counters: %v", errStats))
	}
	if n := l.ErrorCount(); n > 0 {
		w = append(w, fmt.Sprintf("errors: %d (%s)", n, countList(l.Errors)))
	}
	return w
}
