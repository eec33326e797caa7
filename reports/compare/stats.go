package compare

import (
	"math"
	"slices"
	"sort"

	moremath "github.com/aclements/go-moremath/stats"
	"github.com/montanaflynn/stats"
)

// The statistics of a comparison come from libraries where one has them:
// medians and means from montanaflynn/stats (as the reports use), the
// Mann-Whitney U distribution, the binomial and the normal from
// go-moremath (which benchmath, and so benchstat, builds on). What is
// written here is what no library offers: Moses's interval on the shift
// between two samples, and the sign test.

// exactU is the largest n·m for which the Mann-Whitney U distribution is
// computed exactly; beyond it the normal approximation is close enough.
const exactU = 2500

// shiftOrder is the k for a distribution-free interval of confidence conf
// on the shift between samples of n and m values: [d₍k₎, d₍nm+1−k₎] of
// their n·m sorted differences (Moses's interval, the inversion of the
// Mann-Whitney test), the largest k with P(U ≤ k−1) ≤ (1−conf)/2. k = 0
// means the samples are too small for conf.
func shiftOrder(n, m int, conf float64) int {
	tail := (1 - conf) / 2
	if n*m <= exactU {
		// P(U ≤ u) is a multiple of 1/C(n+m, n); one equal to the tail,
		// but for rounding, is inside it (the interval then covers
		// exactly conf).
		tail *= 1 + 1e-9
		u := moremath.UDist{N1: n, N2: m}
		// The CDF passes ½ at n·m/2, past any tail.
		return sort.Search(n*m/2+1, func(k int) bool { return u.CDF(float64(k)) > tail })
	}
	mean := float64(n*m) / 2
	sd := math.Sqrt(float64(n*m*(n+m+1)) / 12)
	z := -moremath.StdNormal.InvCDF(tail)
	return max(0, int(math.Floor(mean-z*sd-0.5))+1)
}

// changeInterval is the interval of confidence conf on the relative change
// from base to head (0.05 is +5%), free of assumptions on the distribution:
// Moses's interval on the ratios head/base when every value is positive,
// else on the differences, relative to base's median. It is (−Inf, +Inf)
// when the samples are too small for conf.
func changeInterval(base, head []float64, conf float64) (lo, hi float64) {
	k := shiftOrder(len(base), len(head), conf)
	if k == 0 || len(base) == 0 || len(head) == 0 {
		return math.Inf(-1), math.Inf(1)
	}
	ratios := allPositive(base) && allPositive(head)
	d := make([]float64, 0, len(base)*len(head))
	for _, b := range base {
		for _, h := range head {
			if ratios {
				d = append(d, h/b)
			} else {
				d = append(d, h-b)
			}
		}
	}
	slices.Sort(d)
	lo, hi = d[k-1], d[len(d)-k]
	if ratios {
		return lo - 1, hi - 1
	}
	mb := median(base)
	if mb == 0 {
		return math.Inf(-1), math.Inf(1)
	}
	return lo / math.Abs(mb), hi / math.Abs(mb)
}

// minUTestP is the smallest two-sided p-value a Mann-Whitney test can give
// with samples of n and m values — both tails' most extreme U, 0 and n·m:
// when it exceeds alpha, no difference can be detected whatever the numbers.
func minUTestP(n, m int) float64 {
	if n == 0 || m == 0 {
		return 1
	}
	return min(1, 2*moremath.UDist{N1: n, N2: m}.CDF(0))
}

// minRuns is the fewest runs on each side with which a Mann-Whitney test
// can reach p ≤ alpha.
func minRuns(alpha float64) int {
	n := 1
	for n < 100 && minUTestP(n, n) > alpha {
		n++
	}
	return n
}

// signTestP is the two-sided p-value of the sign test that ratios centre
// on 1: ties are dropped, and the rest are Binomial(n, ½) under the null.
func signTestP(ratios []float64) float64 {
	var up, down int
	for _, r := range ratios {
		switch {
		case r > 1:
			up++
		case r < 1:
			down++
		}
	}
	if up+down == 0 {
		return 1
	}
	return min(1, 2*moremath.BinomialDist{N: up + down, P: 0.5}.CDF(float64(min(up, down))))
}

// median is the median of xs; NaN for none.
func median(xs []float64) float64 {
	m, err := stats.Median(xs)
	if err != nil {
		return math.NaN()
	}
	return m
}

// mean is the mean of xs; NaN for none.
func mean(xs []float64) float64 {
	m, err := stats.Mean(xs)
	if err != nil {
		return math.NaN()
	}
	return m
}

func allPositive(xs []float64) bool {
	for _, x := range xs {
		if !(x > 0) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}
