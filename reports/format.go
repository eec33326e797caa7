package reports

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// dash stands in a table cell for a value that was not measured.
const dash = "–"

// sig3 formats v with three significant digits, without an exponent.
func sig3(v float64) string {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	e := int(math.Floor(math.Log10(math.Abs(v))))
	// Rounding may carry into a new digit (9.996 → 10.0): measure again.
	if r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 3, 64), 64); r != 0 {
		e = int(math.Floor(math.Log10(math.Abs(r))))
	}
	if digits := 2 - e; digits > 0 {
		return strconv.FormatFloat(v, 'f', digits, 64)
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 3, 64), 64)
	return strconv.FormatFloat(r, 'f', 0, 64)
}

// fmtDuration formats a duration in µs, ms or s with three significant digits.
func fmtDuration(d time.Duration) string {
	return fmtSeconds(d.Seconds())
}

// fmtSeconds formats seconds in µs, ms or s with three significant digits.
func fmtSeconds(s float64) string {
	switch {
	case s <= 0:
		return "0"
	case s < 999.5e-6:
		return sig3(s*1e6) + " µs"
	case s < 999.5e-3:
		return sig3(s*1e3) + " ms"
	}
	return sig3(s) + " s"
}

// fmtMicros formats a number of µs, as fmtSeconds does.
func fmtMicros(us float64) string { return fmtSeconds(us / 1e6) }

// fmtBytes formats a size in B, KiB, MiB or GiB with three significant digits.
func fmtBytes(b float64) string {
	const k = 1024
	switch a := math.Abs(b); {
	case a < 999.5:
		return sig3(b) + " B"
	case a < 999.5*k:
		return sig3(b/k) + " KiB"
	case a < 999.5*k*k:
		return sig3(b/k/k) + " MiB"
	}
	return sig3(b/k/k/k) + " GiB"
}

// fmtInt writes n with thousands separators.
func fmtInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// fmtRate formats a rate (req/s): whole numbers with separators from 100 up,
// three significant digits below.
func fmtRate(v float64) string {
	if math.Abs(v) >= 99.95 {
		return fmtInt(int64(math.Round(v)))
	}
	return sig3(v)
}

// fmtRatio formats a ratio such as a speed-up: "1.95×".
func fmtRatio(v float64) string { return sig3(v) + "×" }

// fmtPercent formats a fraction as a whole percentage, or with one decimal
// below 10%.
func fmtPercent(v float64) string {
	p := v * 100
	if math.Abs(p) < 9.95 && p != 0 {
		return strconv.FormatFloat(p, 'f', 1, 64) + "%"
	}
	return strconv.FormatFloat(p, 'f', 0, 64) + "%"
}

// fmtFraction formats a fraction of the best, two decimals.
func fmtFraction(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// plural returns "1 repetition" or "3 repetitions".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%s %ss", fmtInt(int64(n)), word)
}
