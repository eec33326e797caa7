package results

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMergeLoads(t *testing.T) {
	t.Parallel()
	load := func(req int64, lat time.Duration, elapsed float64) *Load {
		h := NewHistogram()
		for range req {
			h.Record(lat)
		}
		return &Load{Mode: ModeOpen, Conns: 10, Elapsed: elapsed, Requests: req, Rate: 50, Dropped: 1,
			Errors: map[string]int64{"reset": 2}, Latency: h, ClientUser: 1,
			Series: []Second{{Requests: req, P99: int64(lat / time.Microsecond)}}, Warnings: []string{"w"}}
	}
	m, err := MergeLoads(load(100, time.Millisecond, 2), load(300, 10*time.Millisecond, 2.1))
	require.NoError(t, err)
	assert.Equal(t, int64(400), m.Requests)
	assert.Equal(t, int64(400), m.Latency.TotalCount())
	assert.InDelta(t, 100, m.Rate, 1e-9)
	assert.InDelta(t, 2.1, m.Elapsed, 1e-9)
	assert.Equal(t, int64(2), m.Dropped)
	assert.Equal(t, int64(4), m.Errors["reset"])
	assert.Equal(t, 20, m.Conns)
	assert.Equal(t, []Second{{Requests: 400, P99: 10000}}, m.Series)
	assert.Equal(t, []string{"client 1: w", "client 2: w"}, m.Warnings)
	assert.Equal(t, 10*time.Millisecond, m.Latency.Quantile(0.5).Round(time.Millisecond))

	_, err = MergeLoads(&Load{Mode: ModeOpen}, &Load{Mode: ModeClosed})
	assert.ErrorContains(t, err, "cannot merge")

	tenth, second := load(1, time.Millisecond, 2), load(1, time.Millisecond, 2)
	tenth.Interval = 0.1
	_, err = MergeLoads(tenth, second)
	assert.ErrorContains(t, err, "intervals", "series of 100 ms and of 1 s entries do not add up")
	second.Interval = 0.1
	m, err = MergeLoads(tenth, second)
	require.NoError(t, err)
	assert.InDelta(t, 0.1, m.Interval, 1e-12)
}

func TestSeriesSpan(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		load   Load
		entry  int
		start  float64
		length float64
		perSec float64 // the entry's rate
	}{
		{name: "old file, full second", load: Load{Elapsed: 1.5, Series: []Second{{Requests: 3200}, {Requests: 1600}}}, entry: 0, start: 0, length: 1, perSec: 3200},
		{name: "old file, the last half second", load: Load{Elapsed: 1.5, Series: []Second{{Requests: 3200}, {Requests: 1600}}}, entry: 1, start: 1, length: 0.5, perSec: 3200},
		{name: "tenths", load: Load{Elapsed: 0.3, Interval: 0.1, Series: []Second{{Requests: 10}, {Requests: 20}, {Requests: 30}}}, entry: 2, start: 0.2, length: 0.1, perSec: 300},
		{name: "tenths, a part at the end", load: Load{Elapsed: 0.25, Interval: 0.1, Series: []Second{{Requests: 10}, {Requests: 20}, {Requests: 5}}}, entry: 2, start: 0.2, length: 0.05, perSec: 100},
		{name: "elapsed unknown", load: Load{Series: []Second{{Requests: 7}}}, entry: 0, start: 0, length: 1, perSec: 7},
		{name: "an entry folded after the end", load: Load{Elapsed: 0.2, Interval: 0.1, Series: []Second{{Requests: 10}, {Requests: 20}, {}}}, entry: 2, start: 0.2, length: 0},
		{name: "the last entry folded late", load: Load{Elapsed: 0.5, Interval: 0.1, Series: []Second{{Requests: 10}, {Requests: 80}}}, entry: 1, start: 0.1, length: 0.4, perSec: 200},
	}
	for _, tt := range tests {
		start, length := tt.load.SeriesSpan(tt.entry)
		assert.InDelta(t, tt.start, start, 1e-9, tt.name)
		assert.InDelta(t, tt.length, length, 1e-9, tt.name)
		if length > 0 {
			assert.InDelta(t, tt.perSec, float64(tt.load.Series[tt.entry].Requests)/length, 1e-6, tt.name)
		}
	}
}
