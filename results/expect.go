package results

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/montanaflynn/stats"
)

// Expectation is an absolute gate on one metric: "p99 < 50ms",
// "errors == 0", "req/s > 1000", "cpu/req < 200us". Scenario files (expect:)
// and corobench load (-expect) write it the same way; a run whose measured
// value breaks it fails the command (exit 1).
type Expectation struct {
	// Metric is a metric's name (see Metrics), or a latency percentile
	// written pN: p50, p95, p99.9.
	Metric string
	// Op is one of <, <=, >, >=, ==.
	Op string
	// Value is the bound as written, in Unit.
	Value float64
	// Unit is the unit of Value ("ms", "KiB"; "" for a plain number: a
	// rate or a count).
	Unit string
}

// The comparators an expectation may use, longest first so that "<=" is
// not read as "<".
var expectOps = []string{"<=", ">=", "==", "<", ">"}

// Units of an expectation's value, by kind of metric, with their factor to
// the base unit.
var (
	timeUnits = map[string]float64{"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1}
	byteUnits = map[string]float64{"B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "kB": 1e3, "MB": 1e6, "GB": 1e9}
)

// ErrExpectation is wrapped by every error of ParseExpectation.
var ErrExpectation = errors.New("bad expectation")

// expectNumber is a plain decimal number: no sign, no exponent, no hex.
var expectNumber = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]+(\.[0-9]+)?`) })

// percentile matches a latency percentile metric: p50, p99.9.
var percentile = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^p([0-9]{1,2}(\.[0-9]{1,3})?)$`) })

// ParseExpectation reads "METRIC OP VALUE[UNIT]". The metric is one of
// ExpectMetrics; a time (cpu/req, pN, makespan) needs a unit of ns, us, µs,
// ms or s; idle-mem a unit of B, KiB, MiB, GiB, kB, MB or GB; req/s, errors
// and failed take a plain number. Spaces around the comparator and before
// the unit are optional; nothing else is accepted.
func ParseExpectation(s string) (Expectation, error) {
	e, err := parseExpectation(s)
	if err != nil {
		return Expectation{}, fmt.Errorf("%w %q: %s", ErrExpectation, s, err)
	}
	return e, nil
}

func parseExpectation(s string) (Expectation, error) {
	var e Expectation
	i := strings.IndexAny(s, "<>=!")
	if i < 0 {
		return e, fmt.Errorf("want METRIC OP VALUE, such as p99 < 50ms (OP is one of %s)", strings.Join(sortedOps(), " "))
	}
	e.Metric = strings.TrimSpace(s[:i])
	rest := s[i:]
	for _, op := range expectOps {
		if strings.HasPrefix(rest, op) {
			e.Op = op
			break
		}
	}
	if e.Op == "" {
		return e, fmt.Errorf("%q is not a comparator; use one of %s", opPrefix(rest), strings.Join(sortedOps(), " "))
	}
	m, ok := expectMetric(e.Metric)
	if !ok {
		return e, fmt.Errorf("unknown metric %q; the metrics are %s", e.Metric, strings.Join(ExpectMetrics(), ", "))
	}
	value := strings.TrimSpace(rest[len(e.Op):])
	num := expectNumber().FindString(value)
	if num == "" {
		return e, fmt.Errorf("%q is not a number such as 50ms or 1000", value)
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsInf(v, 0) {
		return e, fmt.Errorf("%q is not a number such as 50ms or 1000", num)
	}
	e.Value, e.Unit = v, strings.TrimSpace(value[len(num):])
	units, kind := unitsOf(m)
	switch {
	case units == nil && e.Unit != "":
		return e, fmt.Errorf("%s is %s: write a plain number, not %q", e.Metric, kind, value)
	case units != nil && units[e.Unit] == 0:
		return e, fmt.Errorf("%s is %s: write it with a unit, such as %s%s (units: %s), not %q",
			e.Metric, kind, num, firstUnit(units), strings.Join(unitNames(units), " "), value)
	}
	return e, nil
}

func opPrefix(s string) string {
	end := 0
	for end < len(s) && strings.ContainsRune("<>=!", rune(s[end])) {
		end++
	}
	return s[:end]
}

func sortedOps() []string { return []string{"<", "<=", ">", ">=", "=="} }

// unitsOf gives the units a metric's value is written in (nil: a plain
// number) and what kind of value it is, for error messages.
func unitsOf(m Metric) (map[string]float64, string) {
	switch {
	case strings.Contains(m.Unit, "sec"):
		return timeUnits, "a time"
	case strings.Contains(m.Unit, "B/"):
		return byteUnits, "a size"
	case m.Count:
		return nil, "a count per run"
	}
	return nil, "a rate"
}

func firstUnit(units map[string]float64) string {
	if _, ok := units["ms"]; ok {
		return "ms"
	}
	return "KiB"
}

func unitNames(units map[string]float64) []string {
	names := make([]string, 0, len(units))
	for u := range units {
		names = append(names, u)
	}
	slices.SortFunc(names, func(a, b string) int {
		if c := units[a] - units[b]; c != 0 {
			return int(math.Copysign(1, c))
		}
		return strings.Compare(a, b)
	})
	return names
}

// ExpectMetrics lists the metrics an expectation may name.
func ExpectMetrics() []string {
	var names []string
	for _, m := range Metrics() {
		names = append(names, m.Name)
	}
	return append(names, "pN (p50, p90, p99.9, ...)")
}

// expectMetric finds a metric by name, a latency percentile pN included.
func expectMetric(name string) (Metric, bool) {
	if m, ok := LookupMetric(name); ok {
		return m, true
	}
	sm := percentile().FindStringSubmatch(name)
	if sm == nil {
		return Metric{}, false
	}
	q, _ := strconv.ParseFloat(sm[1], 64)
	if q <= 0 {
		return Metric{}, false
	}
	return Metric{Name: name, Unit: name + "-sec", Better: -1, Value: func(r *Run) (float64, bool) {
		if r.Load == nil || r.Load.Latency == nil || r.Load.Latency.Histogram == nil || r.Load.Latency.TotalCount() == 0 {
			return 0, false
		}
		return r.Load.Latency.Quantile(q / 100).Seconds(), true
	}}, true
}

// String writes e as ParseExpectation reads it.
func (e Expectation) String() string {
	return e.Metric + " " + e.Op + " " + strconv.FormatFloat(e.Value, 'f', -1, 64) + e.Unit
}

// scale is the factor from e's unit to the metric's base unit.
func (e Expectation) scale() float64 {
	m, _ := expectMetric(e.Metric)
	if units, _ := unitsOf(m); units != nil && units[e.Unit] != 0 {
		return units[e.Unit]
	}
	return 1
}

// Holds reports whether a value v measured in the metric's base unit
// (seconds, bytes, per second, per run) keeps the expectation.
func (e Expectation) Holds(v float64) bool {
	v /= e.scale() // compared in the unit written, so that "p99 <= 50ms" holds at 50ms
	switch e.Op {
	case "<":
		return v < e.Value
	case "<=":
		return v <= e.Value
	case ">":
		return v > e.Value
	case ">=":
		return v >= e.Value
	case "==":
		return v == e.Value
	}
	return false
}

// Gate is an expectation checked against the runs of one target under one
// scenario.
type Gate struct {
	Scenario string `json:"scenario"`
	Target   string `json:"target"`
	// Expect is the expectation as written (canonical form).
	Expect string `json:"expect"`
	// Value is the measured value in the metric's base unit: the median
	// over the runs, or for a count (errors, failed) the mean per run; nil
	// when no run measured the metric.
	Value *float64 `json:"value"`
	// Runs is how many runs measured it.
	Runs int  `json:"runs"`
	Pass bool `json:"pass"`
}

// Check measures e over runs and says whether it holds. A metric that no
// run measured does not hold: a gate never passes by default.
func (e Expectation) Check(scenario, target string, runs []*Run) Gate {
	g := Gate{Scenario: scenario, Target: target, Expect: e.String()}
	m, ok := expectMetric(e.Metric)
	if !ok {
		return g
	}
	var vs []float64
	for _, r := range runs {
		if v, ok := m.Value(r); ok {
			vs = append(vs, v)
		}
	}
	g.Runs = len(vs)
	if len(vs) == 0 {
		return g
	}
	var v float64
	if m.Count {
		v, _ = stats.Mean(vs)
	} else {
		v, _ = stats.Median(vs)
	}
	g.Value = &v
	g.Pass = e.Holds(v)
	return g
}

// Measured writes a gate's value in its metric's natural unit ("3.2ms"),
// or "not measured".
func (g Gate) Measured() string {
	if g.Value == nil {
		return "not measured"
	}
	metric, _, _ := strings.Cut(g.Expect, " ")
	m, ok := expectMetric(metric)
	if !ok {
		return strconv.FormatFloat(*g.Value, 'g', 3, 64)
	}
	if !m.Count && !strings.Contains(m.Unit, "sec") && !strings.Contains(m.Unit, "B/") {
		return strconv.FormatFloat(*g.Value, 'f', 0, 64) // a rate, read against a plain number
	}
	return m.Format(*g.Value)
}

// String is the gate's one-line verdict: "check-cpu / loop: p99 < 50ms:
// FAIL (p99 61.2ms, median of 3 runs)".
func (g Gate) String() string {
	verdict := "PASS"
	if !g.Pass {
		verdict = "FAIL"
	}
	metric, _, _ := strings.Cut(g.Expect, " ")
	how := ""
	switch {
	case g.Value == nil:
	case g.Runs == 1:
		how = ", 1 run"
	case isCount(metric):
		how = fmt.Sprintf(", mean of %d runs", g.Runs)
	default:
		how = fmt.Sprintf(", median of %d runs", g.Runs)
	}
	return fmt.Sprintf("%s / %s: %s: %s (%s %s%s)", g.Scenario, g.Target, g.Expect, verdict, metric, g.Measured(), how)
}

func isCount(metric string) bool {
	m, ok := LookupMetric(metric)
	return ok && m.Count
}
