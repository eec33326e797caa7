package compare

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/corobench/corobench/results"
)

// Threshold is how large a change of one metric must be to matter.
type Threshold struct {
	// Limit is the relative change, in the worse direction, beyond which a
	// significant change is a regression: 0.10 is 10%. For a count metric
	// (errors, failed runs) it is the allowed rise of the mean per run, and
	// 0 makes any increase a regression.
	Limit float64
	// Warn makes a regression of this metric a warning, not a failure.
	Warn bool
	// Off leaves the metric out of the comparison.
	Off bool
}

// Thresholds maps a metric name (results.Metric.Name) to its threshold. It
// is a flag.Value: each Set takes one METRIC=SPEC.
type Thresholds map[string]Threshold

// DefaultThresholds are the thresholds when none are given: 10% for
// throughput, target CPU per request, batch makespan and idle memory; 25%
// and warn-only for p99, the noisiest; any increase in errors or failed
// runs fails.
func DefaultThresholds() Thresholds {
	return Thresholds{
		results.MetricThroughput: {Limit: 0.10},
		results.MetricCPU:        {Limit: 0.10},
		results.MetricP99:        {Limit: 0.25, Warn: true},
		results.MetricErrors:     {Limit: 0},
		results.MetricMakespan:   {Limit: 0.10},
		results.MetricIdle:       {Limit: 0.10},
		results.MetricFailed:     {Limit: 0},
	}
}

// ParseThreshold applies spec to t and returns the result. A spec is one or
// more words: a percentage ("10%"), "any" (0%: any increase), "warn"
// (regressions only warn), "fail" (they fail), "off" (not compared). Words
// not given keep t's value, so "p99=fail" keeps p99's limit.
func ParseThreshold(spec string, t Threshold) (Threshold, error) {
	t, err := parseThreshold(spec, t)
	if err != nil {
		return t, fmt.Errorf("compare: %w", err)
	}
	return t, nil
}

func parseThreshold(spec string, t Threshold) (Threshold, error) {
	words := strings.Fields(strings.ReplaceAll(spec, ",", " "))
	if len(words) == 0 {
		return t, fmt.Errorf("empty threshold")
	}
	t.Off = false
	for _, w := range words {
		switch w := strings.ToLower(w); {
		case w == "off":
			t.Off = true
		case w == "warn":
			t.Warn = true
		case w == "fail":
			t.Warn = false
		case w == "any":
			t.Limit = 0
		case strings.HasSuffix(w, "%"):
			pct, err := strconv.ParseFloat(strings.TrimSuffix(w, "%"), 64)
			if err != nil || !(pct >= 0 && pct <= 1000) {
				return t, fmt.Errorf("threshold %q: %q is not a percentage from 0%% to 1000%%", spec, w)
			}
			t.Limit = pct / 100
		default:
			return t, fmt.Errorf("threshold %q: %q is not a percentage (10%%), any, warn, fail or off", spec, w)
		}
	}
	return t, nil
}

// Set parses METRIC=SPEC (see ParseThreshold) into t.
func (t Thresholds) Set(s string) error {
	name, spec, ok := strings.Cut(s, "=")
	if !ok {
		return fmt.Errorf("compare: threshold %q is not METRIC=SPEC, as in req/s=5%%", s)
	}
	if err := t.set(strings.TrimSpace(name), spec); err != nil {
		return fmt.Errorf("compare: %w", err)
	}
	return nil
}

func (t Thresholds) set(name, spec string) error {
	if _, ok := results.LookupMetric(name); !ok {
		return fmt.Errorf("unknown metric %q (known: %s)", name, strings.Join(metricNames(), ", "))
	}
	th, err := parseThreshold(spec, t[name])
	if err != nil {
		return err
	}
	t[name] = th
	return nil
}

// String lists the thresholds as METRIC=SPEC, sorted.
func (t Thresholds) String() string {
	var parts []string
	for name, th := range t {
		parts = append(parts, name+"="+th.String())
	}
	slices.Sort(parts)
	return strings.Join(parts, " ")
}

// String is the spec of th, as ParseThreshold reads it.
func (th Threshold) String() string {
	if th.Off {
		return "off"
	}
	s := strconv.FormatFloat(th.Limit*100, 'f', -1, 64) + "%"
	if th.Warn {
		s += " warn"
	}
	return s
}

// LoadThresholds reads a YAML file of METRIC: SPEC lines into t:
//
//	req/s: 5%
//	p99: 30% warn
//	cpu/req: off
//
// Errors name the file and line.
func LoadThresholds(path string, t Thresholds) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("compare: %w", err)
	}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("compare: %s: %w", path, err)
	}
	if len(doc.Content) == 0 {
		return nil // an empty file changes nothing
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode {
		return fmt.Errorf("compare: %s:%d: want METRIC: SPEC lines", path, m.Line)
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if v.Kind != yaml.ScalarNode {
			return fmt.Errorf("compare: %s:%d: %s: want a spec such as 10%% or \"25%% warn\"", path, v.Line, k.Value)
		}
		if err := t.set(k.Value, v.Value); err != nil {
			return fmt.Errorf("compare: %s:%d: %s: %w", path, k.Line, k.Value, err)
		}
	}
	return nil
}

func metricNames() []string {
	var names []string
	for _, m := range results.Metrics() {
		names = append(names, m.Name)
	}
	return names
}
