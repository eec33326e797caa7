package reports

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/corobench/corobench/results"
)

// In a scenario of a connection per request, the process model's CPU per
// connection is put beside what a process start costs on the machine, when
// the suite measured it.
func TestStartFindings(t *testing.T) {
	t.Parallel()
	starts := []results.StartCost{
		{Name: results.StartTrue, Command: []string{"/bin/true"}, Runs: 30, Wall: 3000, CPU: 2000, ParentCPU: 500},
		{Name: results.StartChild, Command: []string{"/usr/local/bin/corobench-child"}, Runs: 30, Wall: 9000, CPU: 7000, ParentCPU: 500},
	}
	run := func(perRequest bool) results.Run {
		return results.Run{Target: "process", Load: &results.Load{Requests: 100, ConnPerRequest: perRequest}}
	}
	for _, tt := range []struct {
		name   string
		starts []results.StartCost
		run    results.Run
		want   string
	}{
		{"churn", starts, run(true), "`process` spends 10.0 ms of target CPU per connection, 4.00× a start of `true` on this machine (2.50 ms of CPU, parent and child) " +
			"and 1.33× a start of its child, `corobench-child`, serving nothing (7.50 ms); medians of 30 starts, one at a time."},
		{"keep-alive", starts, run(false), ""},
		{"older results", nil, run(true), ""},
	} {
		s := &scenario{env: &results.Env{Starts: tt.starts}}
		got := s.startFindings([]*target{
			{name: "goroutine", cpuPerReq: 40, ok: []results.Run{run(true)}},
			{name: "process", cpuPerReq: 10000, ok: []results.Run{tt.run}},
		})
		if tt.want == "" {
			assert.Empty(t, got, tt.name)
		} else {
			assert.Equal(t, []string{tt.want}, got, tt.name)
		}
	}
}
