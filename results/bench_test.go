package results

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/perf/benchfmt"
)

// benchFixture has a throughput run with resources, a failed run, a batch
// run and an idle run.
func benchFixture() *File {
	h := NewHistogram()
	for range 99 {
		h.Record(time.Millisecond)
	}
	h.Record(20 * time.Millisecond)
	return &File{
		Version: Version,
		Env:     Env{OS: "linux", Arch: "amd64", CPU: "Test CPU @ 2GHz", Cores: 2, GOMAXPROCS: 2, Commit: "abc123"},
		Scenarios: []Scenario{
			{Name: "io-bound", Runs: []Run{
				{Target: "goroutine-1", Rep: 1, GOMAXPROCS: 1,
					Load:      &Load{Mode: ModeClosed, Elapsed: 2, Requests: 100, Latency: h, Errors: map[string]int64{"reset": 2}},
					Resources: &Resources{User: 0.004, Sys: 0.001}},
				{Target: "goroutine", Rep: 1, Error: "target did not start"},
			}},
			{Name: "efficiency", Runs: []Run{
				{Target: "loop", Rep: 1, Load: &Load{Mode: ModeBatch, Requests: 10, Makespan: 3.5, Latency: h}},
			}},
			{Name: "c10k", Runs: []Run{
				{Target: "goroutine", Rep: 1, Idle: &Idle{Conns: 1000, BaseRSS: 1 << 20, RSS: 9 << 20}},
			}},
		},
	}
}

// WriteBench's output reads back with benchfmt, the reader benchstat uses.
func TestWriteBenchReadsBackWithBenchfmt(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	require.NoError(t, WriteBench(&buf, benchFixture()))

	r := benchfmt.NewReader(&buf, "new.txt")
	type got struct {
		name   string
		iters  int
		values map[string]float64
	}
	var results []got
	for r.Scan() {
		switch rec := r.Result().(type) {
		case *benchfmt.SyntaxError:
			t.Fatalf("syntax error: %v", rec)
		case *benchfmt.Result:
			assert.Equal(t, "linux", rec.GetConfig("goos"))
			assert.Equal(t, "Test CPU @ 2GHz", rec.GetConfig("cpu"))
			assert.Equal(t, "abc123", rec.GetConfig("commit"))
			g := got{name: rec.Name.String(), iters: rec.Iters, values: map[string]float64{}}
			for _, v := range rec.Values {
				g.values[v.Unit] = v.Value
			}
			results = append(results, g)
		}
	}
	require.NoError(t, r.Err())
	require.Len(t, results, 3, "the failed run has no line")

	assert.Equal(t, "IoBound/model=goroutine-1-1", results[0].name)
	assert.Equal(t, 100, results[0].iters)
	assert.InDelta(t, 50, results[0].values["req/s"], 1e-9)
	assert.InDelta(t, 50e-6, results[0].values["cpu-sec/req"], 1e-12)
	assert.InDelta(t, 0.001, results[0].values["p99-sec"], 1e-5)
	assert.InDelta(t, 2, results[0].values["errors"], 0)

	assert.Equal(t, "Efficiency/model=loop-2", results[1].name, "no GOMAXPROCS of its own: the harness's")
	assert.InDelta(t, 3.5, results[1].values["makespan-sec"], 0)
	assert.NotContains(t, results[1].values, "req/s", "a batch has no throughput")

	assert.Equal(t, "C10k/model=goroutine-2", results[2].name)
	assert.InDelta(t, 8*1024*1024/1000.0, results[2].values["idle-B/conn"], 1e-9)

	units := r.Units()
	for unit, want := range map[string]int{"req/s": 1, "cpu-sec/req": -1, "p99-sec": -1, "errors": -1, "makespan-sec": -1, "idle-B/conn": -1} {
		assert.Equal(t, want, units.GetBetter(unit), unit)
	}
}

// The name's parts parse as benchstat sees them: the model as a key and the
// suffix as GOMAXPROCS, even for a model whose name ends in -1.
func TestBenchNameParts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		scenario, target string
		procs            int
		want             string
	}{
		{"io-bound", "goroutine-1", 1, "IoBound/model=goroutine-1-1"},
		{"cpu bound", "python gevent", 4, "CpuBound/model=python_gevent-4"},
		{"", "a/b", 2, "Scenario/model=a_b-2"},
	}
	for _, tt := range tests {
		got := benchName(tt.scenario, tt.target, tt.procs)
		assert.Equal(t, tt.want, got)
		base, parts := benchfmt.Name(got).Parts()
		require.Len(t, parts, 2, got)
		assert.NotEmpty(t, base)
		assert.Contains(t, string(parts[0]), "/model=")
		assert.Equal(t, "-"+string(rune('0'+tt.procs)), string(parts[1]))
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteBenchReturnsWriteError(t *testing.T) {
	t.Parallel()
	assert.ErrorContains(t, WriteBench(failWriter{}, benchFixture()), "disk full")
}

func TestMetricsOfAFailedRun(t *testing.T) {
	t.Parallel()
	r := &Run{Target: "x", Error: "crashed"}
	for _, m := range Metrics() {
		v, ok := m.Value(r)
		if m.Name == MetricFailed {
			assert.True(t, ok)
			assert.InDelta(t, 1, v, 0)
			continue
		}
		assert.False(t, ok, m.Name)
	}
}
