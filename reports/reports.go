// Package reports turns a results file into what people read and paste
// into pull requests: a markdown report (header, summary matrix, the
// efficiency table, one section per scenario with tables, charts and
// findings computed from the numbers, and the caveats), its SVG charts, a
// JSON summary, and the human summary of one load run.
//
// Everything is a pure function of the results: no clock, no randomness, no
// map order, so re-rendering old results gives the same bytes. The numbers
// are computed once (analyze) and every writer reads them.
package reports

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/corobench/corobench/results"
)

// ChartDir is the directory, relative to the report, its charts are
// written to and linked from.
const ChartDir = "charts"

// Markdown writes the report of f to w and returns the first write error.
// Its charts, linked as charts/NAME.svg, are those Charts(f) returns.
func Markdown(w io.Writer, f *results.File) error { return analyze(f).markdown(w) }

// markdown writes the report to w.
func (a *analysis) markdown(w io.Writer) error {
	f := a.file
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	p("# corobench report\n\n")
	p("%s", a.header())
	if n := len(a.caveats()); n > 0 {
		p("\n> **⚠ %s below**: read them before trusting the numbers they name (marked ⚠ in the tables).\n", link(plural(n, "caveat"), "caveats"))
	}
	charts := a.charts()
	if m := a.matrix(); m != nil {
		p("\n## Summary\n\nMedian requests per second over repetitions; the best of each scenario in bold, each as a fraction of it.\n\n%s", m)
		for _, s := range a.acrossFindings() {
			p("\n- %s", s)
		}
		if len(a.acrossFindings()) > 0 {
			p("\n")
		}
	}
	if e := a.efficiency(); e != nil {
		p("\n## Efficiency: the textbook's test\n\n")
		p("The same jobs fired at once, timed from the first send to the last answer: CPU work (`%s`), fast file IO — write a file, read it back, no fsync (`%s`) — and waits, high-latency IO that costs no CPU (`%s`); speedup is `loop`'s time over the model's. Beside it, the textbook's Python figures: six timings of a multitask test run sequentially, in threads and in processes, not of servers; the notes give no job count and do not say what the IO was. Set their IO column beside the disk jobs, not the waits; compare the speedups, not the seconds.\n\n", EfficiencyCPU, EfficiencyDisk, EfficiencyIO)
		p("%s", e.table())
		if s := e.sentence(f.Env.Cores); s != "" {
			p("\n%s\n", s)
		}
	}
	if cl := a.crossLanguage(); len(cl) > 0 {
		p("\n## Across languages\n\n")
		p("Each peer from another language (`targets/external`) beside the Go models of the same design, in the same scenario: its throughput as a multiple of theirs (for a batch, its makespan as a multiple of theirs).\n\n")
		for _, s := range cl {
			p("- %s\n", s)
		}
	}
	for _, s := range a.scenarios {
		if c := a.curveOf(s); c != nil {
			a.curveSection(p, c, chartsOfCurve(charts, c))
		}
		a.section(p, s, chartsOf(charts, s))
	}
	if cs := a.caveats(); len(cs) > 0 {
		p("\n## Caveats\n\n")
		for _, c := range cs {
			p("- %s\n", c)
		}
	}
	p("\n---\nRendered by `corobench report` from results format version %d.\n", f.Version)
	return bw.Flush()
}

// section writes one scenario's section.
func (a *analysis) section(p func(string, ...any), s *scenario, charts []Chart) {
	p("\n## %s\n\n", escape(s.Name))
	if s.Curve != nil {
		p("A point of %s: %s idle connections held beside the load.\n\n",
			link("the curve", headingID(s.Curve.Of+": the curve")), fmtInt(int64(s.Curve.Idle)))
	} else if d := strings.TrimSpace(s.Description); d != "" {
		p("%s\n\n", escape(d))
	}
	p("*%s*\n", s.loadLine())
	if fs := s.findings(); len(fs) > 0 {
		p("\n")
		for _, f := range fs {
			p("- %s\n", f)
		}
	}
	if s.kind == results.KindIdle {
		p("\n%s", a.idleTable(s))
	} else {
		p("\n%s", a.mainTable(s))
		if s.isChat() {
			p("\nThe chat room: each message's deliveries, one per member that read it, timed from its intended send to the read; lost: owed to a reading member and not read within the grace (over UDP, split: dropped by the kernel at the members' sockets, with messages dropped at the target's socket, elsewhere); dropped and disconnected: the room's own counters (S).\n\n%s", a.chatTable(s))
		}
		if t := a.resourceTable(s); t != nil {
			p("\n%s", t)
		}
	}
	for _, c := range charts {
		p("\n![%s](%s/%s)\n", c.Title, ChartDir, c.Name)
	}
}

// link is a markdown link to a heading of the report.
func link(text, anchor string) string { return "[" + text + "](#" + anchor + ")" }
