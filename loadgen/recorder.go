package loadgen

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/corobench/corobench/results"
)

// recorder collects what the workers measure inside the measuring window.
// Latencies go into a few mutex-guarded histogram shards, so that memory does
// not grow with the number of connections.
type recorder struct {
	from, end time.Time
	shards    []shard
	seconds   []second
}

type shard struct {
	mu       sync.Mutex
	hist     *results.Histogram
	requests int64
	errors   map[string]int64
}

type second struct {
	requests, errors atomic.Int64
}

func newRecorder(conns int, from time.Time, duration time.Duration) *recorder {
	r := &recorder{
		from:    from,
		end:     from.Add(duration),
		shards:  make([]shard, min(conns, 4*runtime.GOMAXPROCS(0))),
		seconds: make([]second, int((duration+time.Second-1)/time.Second)),
	}
	for i := range r.shards {
		r.shards[i].hist = results.NewHistogram()
		r.shards[i].errors = map[string]int64{}
	}
	return r
}

func (r *recorder) shard(i int) *shard { return &r.shards[i%len(r.shards)] }

// counts reports whether something that happened at t is measured.
func (r *recorder) counts(t time.Time) bool { return !t.Before(r.from) && t.Before(r.end) }

func (r *recorder) second(t time.Time) *second {
	return &r.seconds[min(int(t.Sub(r.from)/time.Second), len(r.seconds)-1)]
}

// success records an answered request that finished at t.
func (r *recorder) success(s *shard, t time.Time, latency time.Duration) {
	if !r.counts(t) {
		return
	}
	s.mu.Lock()
	s.hist.Record(latency)
	s.requests++
	s.mu.Unlock()
	r.second(t).requests.Add(1)
}

// failure records a failed request that ended at t.
func (r *recorder) failure(s *shard, t time.Time, kind string) {
	if !r.counts(t) {
		return
	}
	s.mu.Lock()
	s.errors[kind]++
	s.mu.Unlock()
	r.second(t).errors.Add(1)
}

// load merges the shards into a result covering elapsed.
func (r *recorder) load(elapsed time.Duration) *results.Load {
	l := &results.Load{Mode: "closed", Elapsed: elapsed.Seconds(), Latency: results.NewHistogram()}
	for i := range r.shards {
		s := &r.shards[i]
		s.mu.Lock()
		l.Latency.Merge(s.hist.Histogram)
		l.Requests += s.requests
		for k, n := range s.errors {
			if l.Errors == nil {
				l.Errors = map[string]int64{}
			}
			l.Errors[k] += n
		}
		s.mu.Unlock()
	}
	n := min(len(r.seconds), int((elapsed+time.Second-1)/time.Second))
	for i := range n {
		l.Series = append(l.Series, results.Second{
			Requests: r.seconds[i].requests.Load(),
			Errors:   r.seconds[i].errors.Load(),
		})
	}
	return l
}
