package reports

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/corobench/corobench/results"
)

func TestUnfinishedWorthSaying(t *testing.T) {
	t.Parallel()
	closed := func(conns, pipeline int, unfinished int64, warnings ...string) *results.Load {
		return &results.Load{Mode: results.ModeClosed, Conns: conns, Pipeline: pipeline, Unfinished: unfinished, Warnings: warnings}
	}
	for _, tt := range []struct {
		name string
		load *results.Load
		want bool
	}{
		{"none", closed(50, 0, 0), false},
		{"closed loop, one in flight a connection", closed(50, 0, 50), false},
		{"closed loop, a pipeline in flight a connection", closed(50, 4, 200), false},
		{"closed loop, more than in flight", closed(50, 0, 51), true},
		{"the load generator already said it", closed(50, 0, 80, "unfinished: 80 requests were still unanswered at the end"), false},
		{"open loop", &results.Load{Mode: results.ModeOpen, Conns: 50, Unfinished: 3}, true},
	} {
		assert.Equal(t, tt.want, unfinishedWorthSaying(tt.load), tt.name)
	}
}

func TestIdleFindingsLeaveOutUnservedConnections(t *testing.T) {
	t.Parallel()
	s := &scenario{}
	ts := []*target{
		{name: "prefork", idlePerConn: 80, idleUnserved: true},
		{name: "eventloop", idlePerConn: 430},
		{name: "process", idlePerConn: 1.1e6},
	}
	got := s.idleFindings(ts)
	if assert.Len(t, got, 1) {
		assert.Contains(t, got[0], "`eventloop` holds an idle connection in")
		assert.NotContains(t, got[0], "prefork")
	}
}

func TestPlain(t *testing.T) {
	t.Parallel()
	for md, want := range map[string]string{
		"**cpu-bound** and **c10k**: for `process`": "cpu-bound and c10k: for process",
		`a\_b \* c \\ d`: `a_b * c \ d`,
		"no marks":       "no marks",
		"trailing \\":    "trailing \\",
	} {
		assert.Equal(t, want, plain(md), md)
	}
}
