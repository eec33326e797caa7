package compare

import (
	"math"
	"slices"
)

// exactU is the largest n·m for which the Mann-Whitney U distribution is
// computed exactly; beyond it the normal approximation is close enough.
const exactU = 2500

// uCDF returns P(U ≤ u) for u = 0..n·m, where U counts the pairs (x, y)
// with x > y between independent samples of n and m values of one
// continuous distribution. It is exact up to n·m = exactU.
func uCDF(n, m int) []float64 {
	// p[j][u] is the distribution for sizes (i, j); the largest of i+j
	// values is an x with probability i/(i+j), and then beats all j ys.
	prev := make([][]float64, m+1)
	for j := range prev {
		prev[j] = []float64{1}
	}
	for i := 1; i <= n; i++ {
		cur := make([][]float64, m+1)
		cur[0] = []float64{1}
		for j := 1; j <= m; j++ {
			d := make([]float64, i*j+1)
			px := float64(i) / float64(i+j)
			for u, p := range prev[j] { // x largest: U grows by j
				d[u+j] += px * p
			}
			for u, p := range cur[j-1] { // y largest: U unchanged
				d[u] += (1 - px) * p
			}
			cur[j] = d
		}
		prev = cur
	}
	cdf := prev[m]
	for u := 1; u < len(cdf); u++ {
		cdf[u] += cdf[u-1]
	}
	return cdf
}

// shiftOrder is the k for a distribution-free interval of confidence conf
// on the shift between samples of n and m values: [d₍k₎, d₍nm+1−k₎] of
// their n·m sorted differences (Moses's interval, the inversion of the
// Mann-Whitney test). k = 0 means the samples are too small for conf.
func shiftOrder(n, m int, conf float64) int {
	tail := (1 - conf) / 2
	if n*m <= exactU {
		k := 0
		for _, p := range uCDF(n, m) {
			if p > tail {
				break
			}
			k++
		}
		return k
	}
	mean := float64(n*m) / 2
	sd := math.Sqrt(float64(n*m*(n+m+1)) / 12)
	z := -normalQuantile(tail)
	return max(0, int(math.Floor(mean-z*sd-0.5))+1)
}

// normalQuantile is the standard normal quantile, by bisection of Erfc:
// plenty for the few calls a comparison makes.
func normalQuantile(p float64) float64 {
	lo, hi := -40.0, 40.0
	for range 200 {
		mid := (lo + hi) / 2
		if 0.5*math.Erfc(-mid/math.Sqrt2) < p {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
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
// with samples of n and m values: when it exceeds alpha, no difference can be
// detected whatever the numbers.
func minUTestP(n, m int) float64 {
	if n == 0 || m == 0 {
		return 1
	}
	// 2 / C(n+m, n), computed in logs.
	lg := func(x int) float64 { v, _ := math.Lgamma(float64(x + 1)); return v }
	return min(1, 2*math.Exp(lg(n)+lg(m)-lg(n+m)))
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
	n, k := up+down, min(up, down)
	if n == 0 {
		return 1
	}
	// P(X ≤ k), X ~ Binomial(n, ½).
	var tail float64
	c := 1.0 // C(n, i)
	for i := 0; i <= k; i++ {
		tail += c
		c = c * float64(n-i) / float64(i+1)
	}
	return min(1, 2*tail*math.Pow(0.5, float64(n)))
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func allPositive(xs []float64) bool {
	for _, x := range xs {
		if !(x > 0) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}
