// Package compare tells a regression from noise. It compares two results
// files (Files: independent repetitions, medians, a Mann-Whitney U test as
// benchstat does it, and a distribution-free interval on the change), or the
// paired runs of an A/B of two builds run interleaved (Paired: the median of
// the per-pair ratios with a sign-test interval). Each scenario × target ×
// metric gets a verdict — PASS, WARN, FAIL or IMPROVED — against a
// per-metric Threshold, with a geometric-mean row per metric; Text and
// Markdown render the Report. Everything here is a pure function of the
// results: the process side (running builds) lives in the command.
package compare

import (
	"fmt"
	"math"

	"github.com/corobench/corobench/results"
)

const (
	// DefaultAlpha is the significance level of the Mann-Whitney test
	// (WithAlpha sets another).
	DefaultAlpha = 0.05
	// Confidence is the confidence of the intervals.
	Confidence = 0.95
)

// Verdict is what one row concludes, in rising order of severity.
type Verdict int

// Verdicts.
const (
	Pass     Verdict = iota // no change beyond the threshold that the data can show
	Improved                // a significant change beyond the threshold, for the better
	Warn                    // look at it: too few samples, unclear, or a warn-only regression
	Fail                    // a significant change beyond the threshold, for the worse
)

func (v Verdict) String() string {
	switch v {
	case Pass:
		return "PASS"
	case Improved:
		return "IMPROVED"
	case Warn:
		return "WARN"
	case Fail:
		return "FAIL"
	}
	return fmt.Sprintf("Verdict(%d)", int(v))
}

// Summary is one side of a row: its centre (the median; for a count metric
// the mean per run) over N runs, and the runs' values in the metric's base
// unit (for a paired row, in pair order).
type Summary struct {
	Center float64
	N      int
	Values []float64
}

// Row is the comparison of one metric of one target under one scenario.
type Row struct {
	Scenario, Target string
	Metric           string
	// Base and Head are the two sides; in a paired row, A and B.
	Base, Head Summary
	// Change is the relative change of the centres, Head/Base − 1 (for a
	// paired row, the median of the per-pair ratios − 1); NaN when Base's
	// centre is 0.
	Change float64
	// Lo and Hi bound Change at the report's confidence; ±Inf when the
	// samples are too few, NaN for a count metric.
	Lo, Hi float64
	// P is the test's p-value (Mann-Whitney U, or the sign test for paired
	// rows); NaN when not tested.
	P       float64
	Verdict Verdict
	// Unclear marks a paired row whose interval straddles its threshold,
	// for a metric that can fail: more pairs could settle it.
	Unclear bool
	// TooFew marks a row whose samples are too few for any verdict but
	// WARN (too few runs for the U test to reach α, too few pairs for an
	// interval): whatever the numbers, it could not have failed.
	TooFew bool
	// Notes say why a verdict is WARN, and what else the reader should know.
	Notes []string
}

// Report is a whole comparison.
type Report struct {
	// Paired is true for an A/B of interleaved pairs.
	Paired            bool
	Alpha, Confidence float64
	Thresholds        Thresholds
	Rows              []Row
	// Geomean has one row per metric: the geometric mean over every row of
	// that metric with positive centres. It carries no verdict.
	Geomean []Row
	// Warnings concern the comparison as a whole (a target missing on one
	// side, files measured on different machines).
	Warnings []string
	// Gates are absolute expectations checked beside the comparison (ab:
	// the scenarios' expect, on B's runs). They do not change Verdict.
	Gates []results.Gate
}

// Verdict is the worst verdict of any row: FAIL if any row fails, else
// WARN if any warns (IMPROVED alone is a pass).
func (r *Report) Verdict() Verdict {
	v := Pass
	for _, row := range r.Rows {
		v = max(v, row.Verdict)
	}
	if v == Improved {
		return Pass
	}
	return v
}

// TooFew is how many rows could not have failed for too few samples.
func (r *Report) TooFew() int {
	n := 0
	for _, row := range r.Rows {
		if row.TooFew {
			n++
		}
	}
	return n
}

// Count is how many rows have verdict v.
func (r *Report) Count(v Verdict) int {
	n := 0
	for _, row := range r.Rows {
		if row.Verdict == v {
			n++
		}
	}
	return n
}

// Option configures a comparison.
type Option func(*config)

type config struct {
	alpha      float64
	thresholds Thresholds
}

// WithAlpha sets the significance level (default DefaultAlpha).
func WithAlpha(a float64) Option { return func(c *config) { c.alpha = a } }

// WithThresholds sets the thresholds (default DefaultThresholds); a metric
// missing from t keeps its default.
func WithThresholds(t Thresholds) Option {
	return func(c *config) {
		for k, v := range t {
			c.thresholds[k] = v
		}
	}
}

func newConfig(opts []Option) *config {
	c := &config{alpha: DefaultAlpha, thresholds: DefaultThresholds()}
	for _, o := range opts {
		o(c)
	}
	return c
}

// judge is the verdict shared by both kinds of row once the statistics are
// in: significant says the data show a change (p < α, or an interval that
// excludes zero); gain is the change signed so that positive is better.
func judge(th Threshold, significant bool, gain float64) Verdict {
	switch {
	case significant && gain < -th.Limit && th.Warn:
		return Warn
	case significant && gain < -th.Limit:
		return Fail
	case significant && gain > th.Limit:
		return Improved
	}
	return Pass
}

// judgeCount judges a count metric by its mean per run: any rise beyond the
// limit (by default, any rise at all) is a regression, no test needed — one
// new error is news.
func judgeCount(row *Row, th Threshold) {
	b, h := row.Base.Center, row.Head.Center
	row.Lo, row.Hi, row.P = math.NaN(), math.NaN(), math.NaN()
	row.Change = math.NaN()
	if b != 0 {
		row.Change = h/b - 1
	}
	switch {
	case h > b*(1+th.Limit) && h > b:
		row.Verdict = Fail
		if th.Warn {
			row.Verdict = Warn
		}
		row.Notes = append(row.Notes, fmt.Sprintf("%s rose from %.3g to %.3g per run", row.Metric, b, h))
	case h < b/(1+th.Limit):
		row.Verdict = Improved
	default:
		row.Verdict = Pass
	}
}

func gain(better int, change float64) float64 {
	if better < 0 {
		return -change
	}
	return change
}
