package reports

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/corobench/corobench/results"
)

func TestCrossLanguage(t *testing.T) {
	t.Parallel()
	run := func(target string, requests int64, makespan float64, like ...string) results.Run {
		return results.Run{Target: target, Rep: 1, Design: &results.Design{Like: like},
			Load: &results.Load{Mode: results.ModeBatch, Elapsed: 1,
				Requests: requests, Makespan: makespan, Latency: results.NewHistogram()}}
	}
	f := &results.File{Version: results.Version, Scenarios: []results.Scenario{
		{Name: "efficiency-cpu", Kind: results.KindBatch, Runs: []results.Run{
			run("thread", 10, 0.6), run("python-threads", 10, 1.2, "thread", "threadpool"), run("goroutine", 10, 0.5),
		}},
		{Name: "io-bound", Kind: results.KindThroughput, Runs: []results.Run{
			{Target: "eventloop", Rep: 1, Load: &results.Load{Mode: results.ModeClosed, Elapsed: 1, Requests: 4000, Latency: results.NewHistogram()}},
			{Target: "reactors", Rep: 1, Load: &results.Load{Mode: results.ModeClosed, Elapsed: 1, Requests: 5000, Latency: results.NewHistogram()}},
			{Target: "node", Rep: 1, Design: &results.Design{Like: []string{"eventloop", "reactors"}}, Load: &results.Load{Mode: results.ModeClosed, Elapsed: 1, Requests: 2000, Latency: results.NewHistogram()}},
		}},
		{Name: "no-peers", Kind: results.KindThroughput, Runs: []results.Run{
			{Target: "goroutine", Rep: 1, Load: &results.Load{Mode: results.ModeClosed, Elapsed: 1, Requests: 10, Latency: results.NewHistogram()}},
			{Target: "python-gevent", Rep: 1, Design: &results.Design{Like: []string{"coro"}},
				Load: &results.Load{Mode: results.ModeClosed, Elapsed: 1, Requests: 10, Latency: results.NewHistogram()}},
		}},
	}}
	got := analyze(f).crossLanguage()
	assert.Equal(t, []string{
		"efficiency-cpu: `python-threads` has a makespan of 1.20 s, 2.00× the time of `thread` (600 ms).",
		"io-bound: `node` has 2,000 req/s, 0.500× `eventloop`'s (4,000) and 0.400× `reactors`'s (5,000).",
	}, got)
}

func TestJoinAnd(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "", joinAnd(nil))
	assert.Equal(t, "a", joinAnd([]string{"a"}))
	assert.Equal(t, "a and b", joinAnd([]string{"a", "b"}))
	assert.Equal(t, "a, b and c", joinAnd([]string{"a", "b", "c"}))
}
