package loadgen_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/perf/benchfmt"

	"github.com/corobench/corobench/loadgen"
	"github.com/corobench/corobench/results"
)

func TestWriteBenchIsBenchfmt(t *testing.T) {
	t.Parallel()
	h := results.NewHistogram()
	h.Record(time.Millisecond)
	l := &results.Load{Mode: results.ModeClosed, Elapsed: 2, Requests: 1000, Latency: h, ClientUser: 0.01,
		Errors: map[string]int64{"reset": 10}}
	var buf bytes.Buffer
	require.NoError(t, loadgen.WriteBench(&buf, "closed c=50 /health", l))
	r := benchfmt.NewReader(&buf, "bench.txt")
	require.True(t, r.Scan())
	res, ok := r.Result().(*benchfmt.Result)
	require.True(t, ok, "%v", r.Result())
	assert.Equal(t, "Load/closed_c=50_/health", string(res.Name))
	assert.Equal(t, 1000, res.Iters)
	v, ok := res.Value("req/s")
	require.True(t, ok)
	assert.InDelta(t, 500, v, 1e-9)
	v, _ = res.Value("errors/op")
	assert.InDelta(t, 0.01, v, 1e-9)
}
