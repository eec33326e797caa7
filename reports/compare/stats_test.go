package compare

import (
	"math"
	"math/big"
	"math/bits"
	"testing"

	"github.com/stretchr/testify/assert"
)

// uCounts is the Mann-Whitney U distribution of samples of n and m values
// by brute force: counts[u] is how many of the C(n+m, n) orderings give U = u.
func uCounts(n, m int) []int64 {
	counts := make([]int64, n*m+1)
	for mask := 0; mask < 1<<(n+m); mask++ {
		if bits.OnesCount(uint(mask)) != n {
			continue
		}
		u, ys := 0, 0 // a set bit is an x; U counts the ys below each x
		for i := range n + m {
			if mask&(1<<i) != 0 {
				u += ys
			} else {
				ys++
			}
		}
		counts[u]++
	}
	return counts
}

// The order of Moses's interval agrees with the exact distribution counted
// by brute force, in exact arithmetic, ties at the tail included.
func TestShiftOrderExact(t *testing.T) {
	t.Parallel()
	for _, conf := range []*big.Rat{big.NewRat(80, 100), big.NewRat(90, 100), big.NewRat(95, 100), big.NewRat(99, 100)} {
		tail := new(big.Rat).Quo(new(big.Rat).Sub(big.NewRat(1, 1), conf), big.NewRat(2, 1))
		cf, _ := conf.Float64()
		for n := 1; n <= 8; n++ {
			for m := 1; n+m <= 16; m++ {
				counts := uCounts(n, m)
				var total int64
				for _, c := range counts {
					total += c
				}
				want, cum := 0, int64(0)
				for _, c := range counts {
					cum += c
					if big.NewRat(cum, total).Cmp(tail) > 0 {
						break
					}
					want++
				}
				assert.Equal(t, want, shiftOrder(n, m, cf), "%d×%d at %v", n, m, cf)
			}
		}
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
		{8, 8, 0.95, 14},
		// P(U ≤ k−1) exactly equal to the tail: the interval covers conf.
		{3, 3, 0.90, 1},  // P(U = 0) = 1/20
		{2, 14, 0.90, 4}, // P(U ≤ 3) = 6/120
		{1, 69, 0.80, 7}, // P(U ≤ 6) = 7/70
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
	assert.InDelta(t, 2.0/2002, minUTestP(5, 9), 1e-12, "2/C(14, 5)")
	assert.InDelta(t, 1, minUTestP(0, 5), 0)
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
	// 15 up, 5 down: 2·(1+20+190+1140+4845+15504)/2²⁰.
	var twenty []float64
	for i := range 20 {
		twenty = append(twenty, 1+float64(i%4-1)/10+0.01) // 5 of 20 below 1
	}
	assert.InDelta(t, 2*21700.0/(1<<20), signTestP(twenty), 1e-12)
}
