package loadgen

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/corobench/corobench/results"
)

// recorder collects what the connections measure inside the measuring
// window [from, end). Latencies go into a few mutex-guarded histogram
// shards, so that memory does not grow with the number of connections or
// the length of the run: each shard holds the whole run's histograms and
// the current second's, which the run's goroutine folds into the series.
// The goroutine engine shares each shard between connections and locks it
// per record; an epoll loop owns its shard and locks it once per wake-up
// (the shard's add methods, with the lock held), so that the lock is
// contended only by the run's goroutine once a second.
type recorder struct {
	from, end time.Time
	open      bool // keep uncorrected latency apart
	shards    []shard
	dropped   atomic.Int64
	// TLS handshakes, and those that resumed a session.
	handshakes, resumed atomic.Int64

	// Owned by the run's goroutine.
	interval *results.Histogram
	series   []results.Second
}

type shard struct {
	mu       sync.Mutex
	hist     *results.Histogram // corrected latency (all latency when closed)
	uncorr   *results.Histogram // open loop: from the actual send
	interval *results.Histogram // this second's corrected latency
	requests int64
	bytes    int64 // of the answers counted in requests
	errors   map[string]int64
	// Connections the target closed (and the run opened again).
	reconnects int64
	// This second's counts.
	ivRequests, ivErrors int64
	// Requests still unanswered at the end, and the oldest one's age.
	unfinished int64
	oldest     time.Duration
}

// shardsFor is how many shards n connections of the goroutine engine share.
func shardsFor(conns int) int { return max(1, min(conns, 4*runtime.GOMAXPROCS(0))) }

func newRecorder(shards int, from time.Time, duration time.Duration, open bool) *recorder {
	r := &recorder{
		from:     from,
		end:      from.Add(duration),
		open:     open,
		shards:   make([]shard, max(1, shards)),
		interval: results.NewHistogram(),
	}
	for i := range r.shards {
		s := &r.shards[i]
		s.hist = results.NewHistogram()
		s.interval = results.NewHistogram()
		if open {
			s.uncorr = results.NewHistogram()
		}
		s.errors = map[string]int64{}
	}
	return r
}

func (r *recorder) shard(i int) *shard { return &r.shards[i%len(r.shards)] }

// counts reports whether something that happened at t is measured.
func (r *recorder) counts(t time.Time) bool { return !t.Before(r.from) && t.Before(r.end) }

// success records an answered request that finished at t: latency is from
// when it was due, sent from when it left (the same in a closed loop). key
// is when the request counts: when it was due in an open loop (so that what
// is due in the window adds up), when it finished in a closed loop. An
// answer that came after the end is counted unfinished, as the run's result
// could not wait for it; one due after the end is not counted at all.
// key is never after t.
// size is the answer's length on the wire.
func (r *recorder) success(s *shard, key, t time.Time, latency, sent time.Duration, size int64) {
	s.mu.Lock()
	s.addSuccess(r, key, t, latency, sent, size)
	s.mu.Unlock()
}

// reconnect records a connection the target closed at t.
func (r *recorder) reconnect(s *shard, t time.Time) {
	if !r.counts(t) {
		return
	}
	s.mu.Lock()
	s.addReconnect(r, t)
	s.mu.Unlock()
}

// addReconnect is reconnect with s.mu held.
func (s *shard) addReconnect(r *recorder, t time.Time) {
	if r.counts(t) {
		s.reconnects++
	}
}

// failure records a failed request that counts at key (see success).
func (r *recorder) failure(s *shard, key time.Time, kind string) {
	if !r.counts(key) {
		return
	}
	s.mu.Lock()
	s.addFailure(r, key, kind)
	s.mu.Unlock()
}

// badAnswer records an answer that came at key (see success) and failed
// its check: a bad status, a wrong proof. Like every answer it is counted
// once, wherever it lands in time: in a closed loop one that came after
// the end is still the target's error (a good one is unfinished there, its
// latency past the window); in an open loop it counts when it was due.
func (r *recorder) badAnswer(s *shard, key time.Time, kind string) {
	s.mu.Lock()
	s.addBadAnswer(r, key, kind)
	s.mu.Unlock()
}

// addBadAnswer is badAnswer with s.mu held.
func (s *shard) addBadAnswer(r *recorder, key time.Time, kind string) {
	if key.Before(r.from) || r.open && !key.Before(r.end) {
		return
	}
	s.errors[kind]++
	s.ivErrors++
}

// lost records n requests that will get no answer: a failure of kind cut
// them short at now; they were sent (in an open loop, due) at since, and
// stopped says the run's context had ended then, so that its end may be
// what cut them (false when the target did, closing the connection after
// an answer). It is the one rule for such
// requests, in every engine and mode: while the run goes on they are
// failures, counted when they failed (in an open loop, when they were due)
// if that is in the window; once the run is ending they are not errors but
// unfinished, aged from since to the end: in a closed loop every one (sent,
// so counted, even in the instant the run ended or in the warm-up: the
// target may have answered it), in an open loop those due in the window, so
// that what was due there adds up.
func (r *recorder) lost(s *shard, n int, kind string, stopped bool, now, since time.Time) {
	if n <= 0 {
		return
	}
	s.mu.Lock()
	s.addLost(r, n, kind, stopped, now, since)
	s.mu.Unlock()
}

// ending reports whether something that happens at now is the run ending
// (stopped: its context has ended) rather than the target failing.
func (r *recorder) ending(stopped bool, now time.Time) bool {
	return stopped || !now.Before(r.end)
}

// addLost is lost with s.mu held.
func (s *shard) addLost(r *recorder, n int, kind string, stopped bool, now, since time.Time) {
	if n <= 0 {
		return
	}
	key := now
	if r.open {
		key = since
	}
	if r.ending(stopped, now) {
		if !r.open || r.counts(key) {
			s.addUnfinished(n, max(earliest(now, r.end).Sub(since), 0))
		}
		return
	}
	for range n {
		s.addFailure(r, key, kind)
	}
}

// addSuccess is success with s.mu held.
func (s *shard) addSuccess(r *recorder, key, t time.Time, latency, sent time.Duration, size int64) {
	if key.Before(r.from) {
		return
	}
	if !t.Before(r.end) {
		// Answered after the end: unfinished, due (or sent) age before it.
		s.addUnfinished(1, max(latency-t.Sub(r.end), 0))
		return
	}
	s.hist.Record(latency)
	s.interval.Record(latency)
	if s.uncorr != nil {
		s.uncorr.Record(sent)
	}
	s.requests++
	s.bytes += size
	s.ivRequests++
}

// addFailure is failure with s.mu held.
func (s *shard) addFailure(r *recorder, key time.Time, kind string) {
	if !r.counts(key) {
		return
	}
	s.errors[kind]++
	s.ivErrors++
}

// addUnfinished records n requests still unanswered when the run ended,
// the oldest of them sent (or due) age ago; s.mu held.
func (s *shard) addUnfinished(n int, age time.Duration) {
	if n <= 0 {
		return
	}
	s.unfinished += int64(n)
	s.oldest = max(s.oldest, age)
}

// handshake records a TLS handshake made at t, resumed or full.
func (r *recorder) handshake(resumed bool, t time.Time) {
	if !r.counts(t) {
		return
	}
	r.handshakes.Add(1)
	if resumed {
		r.resumed.Add(1)
	}
}

// drop records an open-loop request due at t that found no free connection.
func (r *recorder) drop(t time.Time) {
	if r.counts(t) {
		r.dropped.Add(1)
	}
}

// tick folds the shards' current second into the series and returns it.
func (r *recorder) tick() results.Second {
	r.interval.Reset()
	var sec results.Second
	for i := range r.shards {
		s := &r.shards[i]
		s.mu.Lock()
		r.interval.Merge(s.interval.Histogram)
		s.interval.Reset()
		sec.Requests += s.ivRequests
		sec.Errors += s.ivErrors
		s.ivRequests, s.ivErrors = 0, 0
		s.mu.Unlock()
	}
	sec.P50 = r.interval.ValueAtQuantile(50)
	sec.P99 = r.interval.ValueAtQuantile(99)
	return sec
}

// load merges the shards into a result covering elapsed.
func (r *recorder) load(elapsed time.Duration) *results.Load {
	l := &results.Load{Mode: results.ModeClosed, Elapsed: elapsed.Seconds(), Latency: results.NewHistogram()}
	if r.open {
		l.LatencyUncorrected = results.NewHistogram()
	}
	var oldest time.Duration
	for i := range r.shards {
		s := &r.shards[i]
		s.mu.Lock()
		l.Latency.Merge(s.hist.Histogram)
		if s.uncorr != nil {
			l.LatencyUncorrected.Merge(s.uncorr.Histogram)
		}
		l.Requests += s.requests
		l.Bytes += s.bytes
		l.Reconnects += s.reconnects
		for k, n := range s.errors {
			if l.Errors == nil {
				l.Errors = map[string]int64{}
			}
			l.Errors[k] += n
		}
		l.Unfinished += s.unfinished
		oldest = max(oldest, s.oldest)
		s.mu.Unlock()
	}
	l.UnfinishedOldest = oldest.Seconds()
	l.Dropped = r.dropped.Load()
	l.TLSHandshakes, l.TLSResumed = r.handshakes.Load(), r.resumed.Load()
	return l
}
