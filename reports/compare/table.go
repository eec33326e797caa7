package compare

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/corobench/corobench/results"
)

// Text writes r as an aligned table, its notes and warnings, and a last
// line with the verdict; it returns the first write error.
func Text(w io.Writer, r *Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	ew := &errWriter{w: tw}
	hdr := header(r)
	ew.printf("%s\n", strings.Join(hdr, "\t"))
	for _, row := range r.Rows {
		ew.printf("%s\n", strings.Join(cells(r, row), "\t"))
	}
	for _, row := range r.Geomean {
		ew.printf("%s\n", strings.Join(cells(r, row), "\t"))
	}
	if ew.err == nil {
		ew.err = tw.Flush()
	}
	ew.w = w
	if notes := notes(r); len(notes) > 0 {
		ew.printf("\nnotes:\n")
		for _, n := range notes {
			ew.printf("  %s\n", n)
		}
	}
	if len(r.Warnings) > 0 {
		ew.printf("\nwarnings:\n")
		for _, s := range r.Warnings {
			ew.printf("  %s\n", s)
		}
	}
	if len(r.Gates) > 0 {
		ew.printf("\nexpect:\n")
		for _, g := range r.Gates {
			ew.printf("  %s\n", g)
		}
	}
	ew.printf("\n%s\n", summaryLine(r))
	return ew.err
}

// Markdown writes r as a markdown table with its notes, warnings and
// verdict; it returns the first write error.
func Markdown(w io.Writer, r *Report) error {
	ew := &errWriter{w: w}
	hdr := header(r)
	ew.printf("| %s |\n", strings.Join(hdr, " | "))
	align := make([]string, len(hdr))
	for i := range align {
		align[i] = "--:"
		if i < 3 {
			align[i] = "---"
		}
	}
	ew.printf("|%s|\n", strings.Join(align, "|"))
	for _, row := range append(append([]Row(nil), r.Rows...), r.Geomean...) {
		c := cells(r, row)
		if row.Verdict == Fail && row.Scenario != "geomean" {
			c[len(c)-1] = "**FAIL**"
		}
		ew.printf("| %s |\n", strings.Join(c, " | "))
	}
	if notes := notes(r); len(notes) > 0 {
		ew.printf("\nNotes:\n\n")
		for _, n := range notes {
			ew.printf("- %s\n", n)
		}
	}
	if len(r.Warnings) > 0 {
		ew.printf("\nWarnings:\n\n")
		for _, s := range r.Warnings {
			ew.printf("- %s\n", s)
		}
	}
	if len(r.Gates) > 0 {
		ew.printf("\nExpectations:\n\n")
		for _, g := range r.Gates {
			line := g.String()
			if !g.Pass {
				line = strings.Replace(line, ": FAIL (", ": **FAIL** (", 1)
			}
			ew.printf("- %s\n", line)
		}
	}
	ew.printf("\n**%s**\n", summaryLine(r))
	return ew.err
}

func header(r *Report) []string {
	ci := fmt.Sprintf("%.0f%% CI", r.Confidence*100)
	if r.Paired {
		return []string{"scenario", "target", "metric", "A", "B", "B/A", ci, "p (sign)", "pairs", "verdict"}
	}
	return []string{"scenario", "target", "metric", "base", "head", "change", ci, "p (U)", "n", "verdict"}
}

func cells(r *Report, row Row) []string {
	m, _ := results.LookupMetric(row.Metric)
	change := pct(row.Change)
	if m.Count {
		change = fmt.Sprintf("%+.3g", row.Head.Center-row.Base.Center)
	}
	ci := "—"
	if !math.IsNaN(row.Lo) {
		ci = "[" + pct(row.Lo) + ", " + pct(row.Hi) + "]"
	}
	p := "—"
	if !math.IsNaN(row.P) {
		p = fmt.Sprintf("%.3f", row.P)
	}
	n := fmt.Sprintf("%d+%d", row.Base.N, row.Head.N)
	if r.Paired || row.Base.N == row.Head.N {
		n = fmt.Sprint(row.Base.N)
	}
	verdict := row.Verdict.String()
	target := row.Target
	if row.Scenario == "geomean" {
		verdict, n, target = "", "", ""
	}
	return []string{row.Scenario, target, row.Metric,
		formatValue(m, row.Base.Center, row.Base.N), formatValue(m, row.Head.Center, row.Head.N), change, ci, p, n, verdict}
}

// formatValue prints v in the metric's natural unit.
func formatValue(m results.Metric, v float64, n int) string {
	if n == 0 || math.IsNaN(v) {
		return "—"
	}
	return m.Format(v)
}

func notes(r *Report) []string {
	var out []string
	for _, row := range r.Rows {
		for _, n := range row.Notes {
			out = append(out, fmt.Sprintf("%s / %s / %s: %s", row.Scenario, row.Target, row.Metric, n))
		}
	}
	return out
}

// summaryLine is the last line: the verdict and the count of each kind.
func summaryLine(r *Report) string {
	what := map[Verdict]string{Pass: "no regression", Warn: "no regression, with warnings", Fail: "regression"}
	return fmt.Sprintf("verdict: %s (%s): %d fail, %d warn, %d improved, %d pass",
		r.Verdict(), what[r.Verdict()], r.Count(Fail), r.Count(Warn), r.Count(Improved), r.Count(Pass))
}

// errWriter keeps the first write error and skips writes after it.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
