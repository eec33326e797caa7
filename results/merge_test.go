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
}
