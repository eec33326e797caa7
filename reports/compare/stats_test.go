package compare

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUCDF(t *testing.T) {
	t.Parallel()
	// n = m = 5: 252 orderings; U = 0, 1, 2, 3 have 1, 1, 2, 3 of them.
	cdf := uCDF(5, 5)
	require.Len(t, cdf, 26)
	assert.InDelta(t, 1.0/252, cdf[0], 1e-12)
	assert.InDelta(t, 4.0/252, cdf[2], 1e-12)
	assert.InDelta(t, 7.0/252, cdf[3], 1e-12)
	assert.InDelta(t, 1, cdf[25], 1e-12)
	// Symmetric: P(U ≤ u) = P(U ≥ nm − u).
	for u := range 25 {
		assert.InDelta(t, cdf[u], 1-cdf[24-u], 1e-12, "u=%d", u)
	}
}

func TestShiftOrder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n, m int
		conf float64
		want int
	}{
		{3, 3, 0.95, 0}, // P(U = 0) = 1/20 > 2.5%: too few
		{4, 4, 0.95, 1},
		{5, 5, 0.95, 3}, // the textbook value
		{10, 10, 0.95, 24},
		{5, 5, 0.90, 5},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, shiftOrder(tt.n, tt.m, tt.conf), "%d×%d at %v", tt.n, tt.m, tt.conf)
	}
	// The normal approximation past exactU agrees with the exact count
	// within one order at the edge.
	exact := shiftOrder(50, 50, 0.95)
	mean, sd := 1250.0, math.Sqrt(50*50*101/12.0)
	approx := int(math.Floor(mean-1.959964*sd-0.5)) + 1
	assert.InDelta(t, exact, approx, 1)
	assert.InDelta(t, exact, shiftOrder(51, 50, 0.95)-25, 15, "continuous across the switch")
}

func TestChangeInterval(t *testing.T) {
	t.Parallel()
	base := []float64{100, 101, 99, 100.5, 99.5, 100.2, 99.8}
	head := make([]float64, len(base))
	for i, b := range base {
		head[i] = b * 1.2
	}
	lo, hi := changeInterval(base, head, 0.95)
	assert.Less(t, lo, 0.2)
	assert.Greater(t, hi, 0.2)
	assert.Greater(t, lo, 0.15)
	assert.Less(t, hi, 0.25)

	lo, hi = changeInterval(base[:3], head[:3], 0.95)
	assert.True(t, math.IsInf(lo, -1) && math.IsInf(hi, 1), "3+3 is too few for 95%%")

	// With zeros the interval is on differences, relative to base's median.
	lo, hi = changeInterval([]float64{0, 1, 2, 1, 1}, []float64{2, 3, 4, 3, 3}, 0.9)
	assert.LessOrEqual(t, lo, 2.0)
	assert.GreaterOrEqual(t, hi, 2.0)
}

func TestMinUTestP(t *testing.T) {
	t.Parallel()
	assert.InDelta(t, 0.1, minUTestP(3, 3), 1e-12)
	assert.InDelta(t, 2.0/70, minUTestP(4, 4), 1e-12)
	assert.InDelta(t, 1, minUTestP(1, 1), 1e-12)
	assert.Equal(t, 4, minRuns(0.05))
	assert.Equal(t, 5, minRuns(0.01))
}

func TestSignTestP(t *testing.T) {
	t.Parallel()
	up := []float64{1.1, 1.2, 1.1, 1.3, 1.1, 1.2, 1.1, 1.3, 1.1, 1.2}
	assert.InDelta(t, 2.0/1024, signTestP(up), 1e-12)
	assert.InDelta(t, 1, signTestP([]float64{1, 1, 1}), 0, "ties only")
	assert.InDelta(t, 1, signTestP([]float64{0.9, 1.1}), 1e-12)
	// 8 up, 2 down: 2·P(X ≤ 2) = 2·56/1024.
	mixed := append(up[:8:8], 0.9, 0.8)
	assert.InDelta(t, 112.0/1024, signTestP(mixed), 1e-12)
}

func TestNormalQuantile(t *testing.T) {
	t.Parallel()
	assert.InDelta(t, -1.959964, normalQuantile(0.025), 1e-5)
	assert.InDelta(t, 0, normalQuantile(0.5), 1e-9)
}
