package compare

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseThreshold(t *testing.T) {
	t.Parallel()
	start := Threshold{Limit: 0.25, Warn: true}
	tests := []struct {
		spec    string
		want    Threshold
		wantErr string
	}{
		{spec: "10%", want: Threshold{Limit: 0.10, Warn: true}},
		{spec: "5% fail", want: Threshold{Limit: 0.05}},
		{spec: "fail", want: Threshold{Limit: 0.25}},
		{spec: "any", want: Threshold{Limit: 0, Warn: true}},
		{spec: "off", want: Threshold{Limit: 0.25, Warn: true, Off: true}},
		{spec: "2.5%,warn", want: Threshold{Limit: 0.025, Warn: true}},
		{spec: "", wantErr: "empty threshold"},
		{spec: "10", wantErr: `"10" is not a percentage`},
		{spec: "-5%", wantErr: "from 0% to 1000%"},
		{spec: "x%", wantErr: "from 0% to 1000%"},
		{spec: "NaN%", wantErr: "from 0% to 1000%"},
	}
	for _, tt := range tests {
		got, err := ParseThreshold(tt.spec, start)
		if tt.wantErr != "" {
			assert.ErrorContains(t, err, tt.wantErr, tt.spec)
			continue
		}
		require.NoError(t, err, tt.spec)
		assert.InDelta(t, tt.want.Limit, got.Limit, 1e-12, tt.spec)
		assert.Equal(t, tt.want.Warn, got.Warn, tt.spec)
		assert.Equal(t, tt.want.Off, got.Off, tt.spec)
	}
}

func TestThresholdsSetAndString(t *testing.T) {
	t.Parallel()
	th := DefaultThresholds()
	require.NoError(t, th.Set("req/s=5%"))
	require.NoError(t, th.Set("p99 = 30%"))
	assert.Contains(t, th.String(), "req/s=5%")
	assert.Contains(t, th.String(), "p99=30% warn")
	assert.ErrorContains(t, th.Set("rps=5%"), `unknown metric "rps"`)
	assert.ErrorContains(t, th.Set("req/s"), "not METRIC=SPEC")
	// What String prints, ParseThreshold reads back.
	for name, v := range DefaultThresholds() {
		got, err := ParseThreshold(v.String(), Threshold{})
		require.NoError(t, err, name)
		assert.Equal(t, v, got, name)
	}
}

func TestLoadThresholds(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	require.NoError(t, os.WriteFile(good, []byte("# CI thresholds\nreq/s: 5%\np99: 40% fail\ncpu/req: off\n"), 0o644))
	th := DefaultThresholds()
	require.NoError(t, LoadThresholds(good, th))
	assert.InDelta(t, 0.05, th["req/s"].Limit, 1e-12)
	assert.Equal(t, Threshold{Limit: 0.40}, th["p99"])
	assert.True(t, th["cpu/req"].Off)

	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("req/s: 5%\nrps: 5%\n"), 0o644))
	assert.ErrorContains(t, LoadThresholds(bad, DefaultThresholds()), bad+`:2: rps: unknown metric "rps"`)

	list := filepath.Join(dir, "list.yaml")
	require.NoError(t, os.WriteFile(list, []byte("- 5%\n"), 0o644))
	assert.ErrorContains(t, LoadThresholds(list, DefaultThresholds()), list+":1: want METRIC: SPEC lines")

	empty := filepath.Join(dir, "empty.yaml")
	require.NoError(t, os.WriteFile(empty, nil, 0o644))
	assert.NoError(t, LoadThresholds(empty, DefaultThresholds()))
}

// ParseThreshold never panics, and what it accepts prints back to a spec
// that parses to the same threshold.
func FuzzParseThreshold(f *testing.F) {
	for _, s := range []string{"10%", "25% warn", "off", "any fail", "2.5%,warn", "", "x%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		th, err := ParseThreshold(spec, Threshold{Limit: 0.1})
		if err != nil || th.Off {
			return
		}
		back, err := ParseThreshold(th.String(), Threshold{})
		require.NoError(t, err, "%q printed as %q", spec, th.String())
		assert.InDelta(t, th.Limit, back.Limit, 1e-12)
		assert.Equal(t, th.Warn, back.Warn)
	})
}
