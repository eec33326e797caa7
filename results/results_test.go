package results

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFileRoundTrip(t *testing.T) {
	t.Parallel()
	h := NewHistogram()
	for _, d := range []time.Duration{100 * time.Microsecond, time.Millisecond, 20 * time.Millisecond} {
		h.Record(d)
	}
	in := &File{
		Version: Version,
		Env:     Env{GoVersion: "go1.26", Cores: 2, CPURate: 600},
		Scenarios: []Scenario{{Name: "s", Runs: []Run{{
			Target: "loop", Rep: 1,
			Load: &Load{Mode: ModeClosed, Conns: 2, Elapsed: 1.5, Requests: 3, Latency: h,
				Errors: map[string]int64{"reset": 1}},
		}}}},
	}
	path := filepath.Join(t.TempDir(), "results.json")
	require.NoError(t, WriteFile(path, in))
	out, err := ReadFile(path)
	require.NoError(t, err)
	load := out.Scenarios[0].Runs[0].Load
	assert.Equal(t, int64(3), load.Latency.TotalCount())
	assert.Equal(t, h.Quantile(0.99), load.Latency.Quantile(0.99))
	assert.InDelta(t, 2.0, load.Throughput(), 1e-9)
	assert.Equal(t, int64(1), load.ErrorCount())
}

func TestWriteFileKeepsOldFileOnFailure(t *testing.T) {
	t.Parallel()
	if os.Geteuid() == 0 {
		t.Skip("root writes into read-only directories")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "results.json")
	require.NoError(t, WriteFile(path, map[string]int{"old": 1}))
	require.NoError(t, os.Chmod(dir, 0o500))
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
	assert.Error(t, WriteFile(path, map[string]int{"new": 2}))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.JSONEq(t, `{"old":1}`, string(data))
}

func TestReadFileRejectsFutureVersion(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "r.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"version": 99}`), 0o644))
	_, err := ReadFile(path)
	assert.ErrorContains(t, err, "version 99")
}

func TestHistogramClampsOutOfRange(t *testing.T) {
	t.Parallel()
	h := NewHistogram()
	h.Record(0)
	h.Record(time.Hour)
	assert.Equal(t, int64(2), h.TotalCount(), "no value is lost")
}

func TestIdlePerConn(t *testing.T) {
	t.Parallel()
	i := &Idle{Conns: 1000, BaseRSS: 1 << 20, RSS: 5 << 20, BasePSS: 1 << 20, PSS: 3 << 20}
	assert.InDelta(t, 2097.152, i.PerConn(), 1e-9)
}
