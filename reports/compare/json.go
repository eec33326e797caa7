package compare

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/corobench/corobench/results"
)

// JSONVersion is the version of the verdicts' JSON form that JSON writes.
const JSONVersion = 1

// jsonReport is a Report as JSON: what CI reads. Numbers are in the
// metric's base unit (seconds, bytes, per second, per run); a number that
// does not exist is null.
type jsonReport struct {
	Version int `json:"version"`
	// Kind is "ab" (paired runs of two builds: base is A, head is B) or
	// "compare" (two results files).
	Kind       string                   `json:"kind"`
	Verdict    string                   `json:"verdict"`
	Counts     map[string]int           `json:"counts"`
	TooFew     int                      `json:"too_few"`
	Alpha      float64                  `json:"alpha"`
	Confidence float64                  `json:"confidence"`
	Thresholds map[string]jsonThreshold `json:"thresholds"`
	Rows       []jsonRow                `json:"rows"`
	Geomean    []jsonRow                `json:"geomean,omitempty"`
	Warnings   []string                 `json:"warnings,omitempty"`
	// Gates are the absolute expectations checked beside (ab: on B).
	Gates []results.Gate `json:"gates,omitempty"`
}

type jsonThreshold struct {
	Limit float64 `json:"limit"`
	Warn  bool    `json:"warn,omitempty"`
	Off   bool    `json:"off,omitempty"`
}

type jsonRow struct {
	Scenario string `json:"scenario"`
	Target   string `json:"target,omitempty"`
	Metric   string `json:"metric"`
	// Unit is the metric's unit in the Go benchmark format; Better is
	// "higher" or "lower".
	Unit   string   `json:"unit,omitempty"`
	Better string   `json:"better"`
	Base   jsonSide `json:"base"`
	Head   jsonSide `json:"head"`
	// Change is head/base − 1 (for ab, the median of the pairs' ratios −
	// 1). Interval bounds it at the report's confidence: null when not
	// computed (a count), a null bound when the samples are too few for it.
	Change   *float64   `json:"change"`
	Interval []*float64 `json:"interval"`
	P        *float64   `json:"p"`
	Verdict  string     `json:"verdict,omitempty"`
	Unclear  bool       `json:"unclear,omitempty"`
	TooFew   bool       `json:"too_few,omitempty"`
	Notes    []string   `json:"notes,omitempty"`
}

type jsonSide struct {
	Center *float64  `json:"center"`
	N      int       `json:"n"`
	Values []float64 `json:"values,omitempty"`
}

// JSON writes r as one JSON document: the verdict, every row with its
// values, interval, p-value and verdict, the geometric means and the
// warnings. ReadJSON reads it back.
func JSON(w io.Writer, r *Report) error {
	out := jsonReport{Version: JSONVersion, Kind: "compare", Verdict: r.Verdict().String(),
		Counts: map[string]int{}, TooFew: r.TooFew(), Alpha: r.Alpha, Confidence: r.Confidence,
		Thresholds: map[string]jsonThreshold{}, Rows: []jsonRow{}, Warnings: r.Warnings, Gates: r.Gates}
	if r.Paired {
		out.Kind = "ab"
	}
	for _, v := range []Verdict{Pass, Improved, Warn, Fail} {
		out.Counts[v.String()] = r.Count(v)
	}
	for name, th := range r.Thresholds {
		out.Thresholds[name] = jsonThreshold(th)
	}
	for _, row := range r.Rows {
		out.Rows = append(out.Rows, toJSON(row, true))
	}
	for _, row := range r.Geomean {
		out.Geomean = append(out.Geomean, toJSON(row, false))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("compare: write JSON: %w", err)
	}
	return nil
}

func toJSON(row Row, verdict bool) jsonRow {
	m, _ := results.LookupMetric(row.Metric)
	j := jsonRow{Scenario: row.Scenario, Target: row.Target, Metric: row.Metric, Unit: m.Unit, Better: "lower",
		Base:   jsonSide{Center: finite(row.Base.Center), N: row.Base.N, Values: row.Base.Values},
		Head:   jsonSide{Center: finite(row.Head.Center), N: row.Head.N, Values: row.Head.Values},
		Change: finite(row.Change), P: finite(row.P), Unclear: row.Unclear, TooFew: row.TooFew, Notes: row.Notes}
	if m.Better > 0 {
		j.Better = "higher"
	}
	if !math.IsNaN(row.Lo) || !math.IsNaN(row.Hi) {
		j.Interval = []*float64{finite(row.Lo), finite(row.Hi)}
	}
	if verdict {
		j.Verdict = row.Verdict.String()
	}
	return j
}

// finite is v, or nil for NaN and ±Inf, which JSON cannot hold.
func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// ReadJSON reads a report that JSON wrote.
func ReadJSON(rd io.Reader) (*Report, error) {
	var in jsonReport
	if err := json.NewDecoder(rd).Decode(&in); err != nil {
		return nil, fmt.Errorf("compare: read JSON: %w", err)
	}
	if in.Version < 1 || in.Version > JSONVersion {
		return nil, fmt.Errorf("compare: read JSON: version %d, this build reads 1 to %d", in.Version, JSONVersion)
	}
	r := &Report{Paired: in.Kind == "ab", Alpha: in.Alpha, Confidence: in.Confidence,
		Thresholds: Thresholds{}, Warnings: in.Warnings, Gates: in.Gates}
	for name, th := range in.Thresholds {
		r.Thresholds[name] = Threshold(th)
	}
	for _, j := range in.Rows {
		row, err := fromJSON(j)
		if err != nil {
			return nil, err
		}
		r.Rows = append(r.Rows, row)
	}
	for _, j := range in.Geomean {
		row, err := fromJSON(j)
		if err != nil {
			return nil, err
		}
		r.Geomean = append(r.Geomean, row)
	}
	return r, nil
}

func fromJSON(j jsonRow) (Row, error) {
	row := Row{Scenario: j.Scenario, Target: j.Target, Metric: j.Metric,
		Base:   Summary{Center: orNaN(j.Base.Center), N: j.Base.N, Values: j.Base.Values},
		Head:   Summary{Center: orNaN(j.Head.Center), N: j.Head.N, Values: j.Head.Values},
		Change: orNaN(j.Change), Lo: math.NaN(), Hi: math.NaN(), P: orNaN(j.P),
		Unclear: j.Unclear, TooFew: j.TooFew, Notes: j.Notes}
	switch len(j.Interval) {
	case 0:
	case 2:
		row.Lo, row.Hi = math.Inf(-1), math.Inf(1)
		if j.Interval[0] != nil {
			row.Lo = *j.Interval[0]
		}
		if j.Interval[1] != nil {
			row.Hi = *j.Interval[1]
		}
	default:
		return row, fmt.Errorf("compare: read JSON: %s / %s / %s: an interval has two bounds, not %d", j.Scenario, j.Target, j.Metric, len(j.Interval))
	}
	if j.Verdict != "" {
		i := slices.IndexFunc([]Verdict{Pass, Improved, Warn, Fail}, func(v Verdict) bool { return v.String() == j.Verdict })
		if i < 0 {
			return row, fmt.Errorf("compare: read JSON: %s / %s / %s: unknown verdict %q", j.Scenario, j.Target, j.Metric, j.Verdict)
		}
		row.Verdict = Verdict(i)
	}
	return row, nil
}

func orNaN(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}
