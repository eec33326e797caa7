package reports

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/corobench/corobench/results"
)

// The efficiency table is built from the scenarios with these names:
// batches of jobs fired at once and timed until the last answer — CPU work,
// fast file IO (the disk job), and waits (high-latency IO, a timer).
const (
	EfficiencyCPU  = "efficiency-cpu"
	EfficiencyDisk = "efficiency-disk"
	EfficiencyIO   = "efficiency-io"
)

// pythonFigure is one row of the textbook's efficiency test, in Python, in
// seconds; name is the row (results.Textbook*), which a target's design
// names when it stands for it.
type pythonFigure struct {
	name    string
	cpu, io float64
}

// textbook is the textbook's table: six timings of a multitask test run
// sequentially, in threads and in processes — not servers; the notes give
// no job count and do not say what the IO was. The IO figures of the
// sequential and process runs are the notes' unrounded ones, so that the
// speedup is theirs (3.6496 / 2.1755 = 1.68×). Python's threads do not help
// on CPU work: the GIL lets one thread run Python code at a time.
func textbook() []pythonFigure {
	return []pythonFigure{
		{results.TextbookSequential, 8.74, 3.6496},
		{results.TextbookThreads, 8.99, 3.81},
		{results.TextbookProcesses, 4.48, 2.1755},
	}
}

// efficiency holds the batch scenarios, any of which may be missing.
type efficiency struct {
	a             *analysis
	cpu, disk, io *scenario
	models        []string
	// base is the target that stands for the textbook's sequential run,
	// which speedups are measured against ("" if none ran).
	base string
}

func (a *analysis) efficiency() *efficiency {
	e := &efficiency{a: a, base: a.withTextbook(results.TextbookSequential)}
	for _, s := range a.scenarios {
		switch s.Name {
		case EfficiencyCPU:
			e.cpu = s
		case EfficiencyDisk:
			e.disk = s
		case EfficiencyIO:
			e.io = s
		}
	}
	if e.cpu == nil && e.disk == nil && e.io == nil {
		return nil
	}
	for _, m := range a.models {
		if e.makespan(e.cpu, m) > 0 || e.makespan(e.disk, m) > 0 || e.makespan(e.io, m) > 0 {
			e.models = append(e.models, m)
		}
	}
	return e
}

// makespan is a model's median makespan in s, 0 if unknown.
func (e *efficiency) makespan(s *scenario, model string) float64 {
	if s == nil {
		return 0
	}
	if t := s.find(model); t != nil {
		return t.makespan
	}
	return 0
}

// speedup is the base's makespan over the model's, 0 if either is unknown.
func (e *efficiency) speedup(s *scenario, model string) float64 {
	base, m := e.makespan(s, e.base), e.makespan(s, model)
	if base <= 0 || m <= 0 {
		return 0
	}
	return base / m
}

func (e *efficiency) table() *table {
	tb := newTable(l("model"), r("CPU-bound makespan"), r("disk IO makespan"), r("waiting makespan"),
		r("speedup vs "+cmp.Or(e.base, "the sequential model")+" (CPU / disk / waiting)"), l("textbook, Python (CPU / IO)"))
	py := map[string]pythonFigure{}
	for _, p := range textbook() {
		py[p.name] = p
	}
	seq := textbook()[0]
	for _, m := range e.models {
		ref := ""
		if p, ok := py[e.a.design(m).Textbook]; ok {
			ref = fmt.Sprintf("%s: %s / %s (%s / %s)", p.name, fmtSeconds(p.cpu), fmtSeconds(p.io), fmtRatio(seq.cpu/p.cpu), fmtRatio(seq.io/p.io))
		}
		tb.add(escape(m), secondsCell(e.makespan(e.cpu, m)), secondsCell(e.makespan(e.disk, m)), secondsCell(e.makespan(e.io, m)),
			ratioCell(e.speedup(e.cpu, m))+" / "+ratioCell(e.speedup(e.disk, m))+" / "+ratioCell(e.speedup(e.io, m)), ref)
	}
	return tb
}

func secondsCell(s float64) string {
	if s <= 0 {
		return dash
	}
	return fmtSeconds(s)
}

func ratioCell(v float64) string {
	if v <= 0 {
		return dash
	}
	return fmtRatio(v)
}

// sentence says, from the numbers, what Go's table shows next to Python's.
func (e *efficiency) sentence(cores int) string {
	var parts []string
	py := textbook()
	threads := e.a.withTextbook(results.TextbookThreads)
	if s := e.speedup(e.cpu, threads); s > 0 {
		verb := "do help"
		if s < 1.1 {
			verb = "do not help either"
		}
		parts = append(parts, fmt.Sprintf("on CPU-bound jobs Go's threads %s: %s finishes %s faster than %s, where Python's threads managed %s because of the GIL", verb, code(threads), fmtRatio(s), code(e.base), fmtRatio(py[0].cpu/py[1].cpu)))
	}
	if m, s := e.best(e.cpu); s > 0 && m != threads {
		parts = append(parts, fmt.Sprintf("the fastest on CPU, %s, reaches %s on %s", code(m), fmtRatio(s), plural(cores, "core")))
	}
	if m, s := e.best(e.disk); s > 0 {
		parts = append(parts, fmt.Sprintf("on disk jobs (fast file IO, the test to set beside Python's IO column) %s is fastest, %s faster than %s (Python's processes: %s)", code(m), fmtRatio(s), code(e.base), fmtRatio(py[0].io/py[2].io)))
	}
	if m, s := e.best(e.io); s > 0 {
		parts = append(parts, fmt.Sprintf("on waits (high-latency IO, which no Python figure measures) %s overlaps them best, %s faster than %s", code(m), fmtRatio(s), code(e.base)))
	}
	if len(parts) == 0 {
		return ""
	}
	out := strings.Join(parts, "; ") + "."
	return strings.ToUpper(out[:1]) + out[1:]
}

// best is the model with the largest speedup in s.
func (e *efficiency) best(s *scenario) (string, float64) {
	var name string
	var top float64
	for _, m := range e.models {
		if v := e.speedup(s, m); v > top {
			name, top = m, v
		}
	}
	return name, top
}
