package reports

import (
	"cmp"
	"fmt"
	"strings"
	"time"
)

// header is the table of where and when the numbers were measured.
func (a *analysis) header() *table {
	e := a.file.Env
	t := newTable(l("setting"), l("value"))
	machine := cmp.Or(e.CPU, "unknown CPU")
	if e.Cores > 0 {
		machine += fmt.Sprintf(", %s", plural(e.Cores, "core"))
	}
	if e.Kernel != "" {
		machine += ", " + e.Kernel
	}
	if e.OS != "" {
		machine += fmt.Sprintf(" (%s/%s)", e.OS, e.Arch)
	}
	t.add("machine", escape(machine))
	t.add("Go", escape(e.GoVersion))
	t.add("commit", code(cmp.Or(e.Commit, "unknown")))
	t.add("GOMAXPROCS", a.gomaxprocs())
	t.add("pinning", a.pinning())
	if e.CPURate > 0 {
		t.add("work rate", sig3(e.CPURate)+" units/µs (calibrated, the same for every target)")
	}
	t.add("date", fmtTime(a.file.Started))
	if d := a.file.Finished.Sub(a.file.Started); !a.file.Started.IsZero() && !a.file.Finished.IsZero() && d >= 0 {
		t.add("suite duration", d.Round(time.Second).String())
	} else {
		t.add("suite duration", dash)
	}
	runs := 0
	for _, s := range a.file.Scenarios {
		runs += len(s.Runs)
	}
	t.add("suite", fmt.Sprintf("%s, %s, %s", plural(len(a.scenarios), "scenario"), plural(len(a.models), "target"), plural(runs, "run")))
	return t
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return dash
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// gomaxprocs tells the harness's GOMAXPROCS and the targets' when they
// differ from it (goroutine-1 runs with 1).
func (a *analysis) gomaxprocs() string {
	base := a.file.Env.GOMAXPROCS
	other := map[string]int{}
	for _, s := range a.scenarios {
		for _, t := range s.targets {
			for _, r := range t.runs {
				if r.GOMAXPROCS > 0 && r.GOMAXPROCS != base {
					other[t.name] = r.GOMAXPROCS
				}
			}
		}
	}
	out := dash
	if base > 0 {
		out = fmt.Sprint(base)
	}
	if len(other) == 0 {
		return out
	}
	var parts []string
	for _, n := range a.models {
		if p, ok := other[n]; ok {
			parts = append(parts, fmt.Sprintf("%s %d", code(n), p))
		}
	}
	return out + ", except " + strings.Join(parts, ", ")
}

// pinning says which CPUs the targets and the load generator ran on.
func (a *analysis) pinning() string {
	set := map[string]bool{}
	for _, s := range a.scenarios {
		set[pinText(s.PinTarget, s.PinClient)] = true
	}
	switch len(set) {
	case 0:
		return dash
	case 1:
		for k := range set {
			return k
		}
	}
	return "differs by scenario (see each)"
}

func pinText(target, client string) string {
	if target == "" && client == "" {
		return "not pinned"
	}
	return fmt.Sprintf("target on %s, load generator on %s", cpus(target), cpus(client))
}

func cpus(list string) string {
	if list == "" {
		return "any CPU"
	}
	if strings.ContainsAny(list, ",-") {
		return "CPUs " + list
	}
	return "CPU " + list
}
