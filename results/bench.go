package results

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/perf/benchfmt"
)

// WriteBench writes f in the Go benchmark format, so that `go tool
// benchstat` reads it unchanged: a `Unit UNIT better=higher|lower` line for
// every unit, the environment as configuration lines, then one line per run
// that has measurements:
//
//	BenchmarkIoBound/model=goroutine-2  22500  4500 req/s  0.0121 p99-sec  0 errors
//
// The name is the scenario in CamelCase, the target as a model=NAME part,
// and always a -N suffix (the target's GOMAXPROCS, else the harness's), so a
// target named like goroutine-1 is not read as GOMAXPROCS 1. The iteration
// count is the answered requests (1 for runs that answer none). Values are
// in base units (seconds, bytes), which benchstat scales. It returns the
// first write error.
func WriteBench(w io.Writer, f *File) error {
	bw := benchfmt.NewWriter(w)
	metrics := Metrics()
	for _, m := range metrics {
		if m.Unit == "" || !fileHas(f, m) {
			continue
		}
		better := "lower"
		if m.Better > 0 {
			better = "higher"
		}
		u := &benchfmt.UnitMetadata{UnitMetadataKey: benchfmt.UnitMetadataKey{Unit: m.Unit, Key: "better"}, OrigUnit: m.Unit, Value: better}
		if err := bw.Write(u); err != nil {
			return fmt.Errorf("results: write bench: %w", err)
		}
	}
	config := benchConfig(f.Env)
	for _, s := range f.Scenarios {
		for i := range s.Runs {
			r := &s.Runs[i]
			res := &benchfmt.Result{Config: config, Name: benchfmt.Name(benchName(s.Name, r.Target, procs(r, f.Env)))}
			res.Iters = 1
			if r.Load != nil && r.Load.Requests > 0 {
				res.Iters = int(r.Load.Requests)
			}
			for _, m := range metrics {
				if v, ok := m.Value(r); ok && m.Unit != "" {
					res.Values = append(res.Values, benchfmt.Value{Value: v, Unit: m.Unit})
				}
			}
			if len(res.Values) == 0 {
				continue // a failed run has nothing to say in this format
			}
			if err := bw.Write(res); err != nil {
				return fmt.Errorf("results: write bench: %w", err)
			}
		}
	}
	return nil
}

// fileHas reports whether any run of f has metric m.
func fileHas(f *File, m Metric) bool {
	for _, s := range f.Scenarios {
		for i := range s.Runs {
			if _, ok := m.Value(&s.Runs[i]); ok {
				return true
			}
		}
	}
	return false
}

func benchConfig(e Env) []benchfmt.Config {
	var c []benchfmt.Config
	add := func(k, v string) {
		if v != "" {
			c = append(c, benchfmt.Config{Key: k, Value: []byte(v), File: true})
		}
	}
	add("goos", e.OS)
	add("goarch", e.Arch)
	add("cpu", e.CPU)
	if e.Cores > 0 {
		add("cores", strconv.Itoa(e.Cores))
	}
	add("commit", e.Commit)
	return c
}

func procs(r *Run, e Env) int {
	switch {
	case r.GOMAXPROCS > 0:
		return r.GOMAXPROCS
	case e.GOMAXPROCS > 0:
		return e.GOMAXPROCS
	}
	return 1
}

// benchName is the name after "Benchmark": io-bound, goroutine-1 and 1 give
// IoBound/model=goroutine-1-1.
func benchName(scenario, target string, procs int) string {
	var b strings.Builder
	upper := true
	for _, c := range scenario {
		if !unicode.IsLetter(c) && !unicode.IsDigit(c) {
			upper = true
			continue
		}
		if upper {
			c = unicode.ToUpper(c)
			upper = false
		}
		b.WriteRune(c)
	}
	if b.Len() == 0 {
		b.WriteString("Scenario")
	}
	b.WriteString("/model=")
	b.WriteString(strings.Map(func(c rune) rune {
		if unicode.IsSpace(c) || c == '/' {
			return '_'
		}
		return c
	}, target))
	fmt.Fprintf(&b, "-%d", procs)
	return b.String()
}
