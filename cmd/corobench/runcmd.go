package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/corobench/corobench/harness"
	"github.com/corobench/corobench/reports"
	"github.com/corobench/corobench/results"
	"github.com/corobench/corobench/scenarios"
	"github.com/corobench/corobench/work"
)

func runCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	outDir := fs.String("o", "reports/latest", "directory for results.json, REPORT.md and REPORT.html")
	rate := fs.Float64("cpu-rate", 0, "work units per µs given to every target (0: calibrate now)")
	reps := fs.Int("repetitions", 0, "override every scenario's repetitions (0: as the files say)")
	duration := fs.Duration("duration", 0, "override the measured duration of closed and open scenarios")
	warmup := fs.Duration("warmup", 0, "override the warm-up of closed and open scenarios")
	only := fs.String("targets", "", "comma-separated targets to run, of those the scenarios name (default: all)")
	quick := fs.Bool("quick", false, "run the quick suite in the binary (make bench-quick): fewer scenarios, once each, short runs")
	build := fs.String("build", "", "the build under test: replaces {build} in external targets' commands (a path, or a command)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: corobench run [flags] [SCENARIO.yaml...]")
		fmt.Fprintln(stderr, "With no files it runs the default suite embedded in the binary (corobench scenarios lists it).")
		fmt.Fprintln(stderr, "Exit status: 0 done, 1 an expectation (expect:) failed, 2 a run or the command failed.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	suite, err := runSuiteOf(fs.Args(), *quick)
	if err != nil {
		return err
	}
	if *quick {
		*reps = cmp.Or(*reps, scenarios.QuickRepetitions)
		*duration = cmp.Or(*duration, scenarios.QuickDuration)
		*warmup = cmp.Or(*warmup, scenarios.QuickWarmup)
	}
	for _, s := range suite {
		s.Scale(*reps, *duration, *warmup)
	}
	if *only != "" {
		if suite, err = onlyTargets(suite, strings.Split(*only, ","), stderr); err != nil {
			return err
		}
	}
	if err := needBuild(suite, *build, "-build"); err != nil {
		return err
	}
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("run: find own binary: %w", err)
	}
	if *rate <= 0 {
		*rate = float64(work.Calibrate(work.DefaultCalibration))
	}
	f := &results.File{Version: results.Version, Env: environment(), Started: time.Now().UTC(), Models: modelList()}
	f.Env.CPURate = *rate
	f.Env.Pinning = defaultPinning
	var warnings []string
	f.Env.Starts, warnings = startCosts(work.Rate(*rate))
	f.Warnings = append(f.Warnings, warnings...)
	prog := newProgress(stderr, suite)
	runner := &harness.Runner{Binary: self, Rate: work.Rate(*rate), Progress: prog, Build: *build}
	if *build != "" {
		f.Env.Target = *build
	}
	resultsPath := filepath.Join(*outDir, "results.json")
	var writeErr error // the first failed write of the results mid-suite
	for _, s := range suite {
		for _, res := range runner.Run(ctx, s) {
			f.Scenarios = append(f.Scenarios, res)
			f.Gates = append(f.Gates, s.Gates(res)...)
		}
		if ctx.Err() != nil {
			f.Warnings = append(f.Warnings, "interrupted: the suite was stopped before it finished")
			break
		}
		// What was measured so far survives a crash of the harness itself.
		// A write that fails does not stop the suite, nor lose what it
		// measured: the suite goes on, and writes again at its end.
		f.Finished = time.Now().UTC()
		if err := results.WriteFile(resultsPath, f); err != nil && writeErr == nil {
			writeErr = err
			fmt.Fprintf(stderr, "corobench: run: %v; the suite goes on and writes its results again at the end\n", err)
		}
	}
	prog.finish()
	f.Finished = time.Now().UTC()
	if err := results.WriteFile(resultsPath, f); err != nil {
		return writeElsewhere(f, err)
	}
	if err := writeReport(f, *outDir); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s, %s and %s\n", resultsPath, filepath.Join(*outDir, "REPORT.md"), filepath.Join(*outDir, reports.HTMLName))
	gated := writeGates(stdout, f.Gates)
	if ctx.Err() != nil {
		return fmt.Errorf("run: interrupted; the results hold what was measured: %w", ctx.Err())
	}
	if err := failures(f); err != nil {
		return err
	}
	if writeErr != nil {
		return fmt.Errorf("run: a write of the results failed mid-suite (%w); the last one succeeded", writeErr)
	}
	return gated
}

// writeElsewhere writes f, which could not be written where it was asked
// (err), to a new file in the temporary directory, so that a full disk or
// a removed directory does not lose what a suite measured; it returns err
// and where the results went.
func writeElsewhere(f *results.File, err error) error {
	tmp, terr := os.CreateTemp("", "corobench-results-*.json")
	if terr == nil {
		tmp.Close()
		terr = results.WriteFile(tmp.Name(), f)
	}
	if terr != nil {
		return fmt.Errorf("run: %w; and writing the results elsewhere failed too: %v", err, terr)
	}
	return fmt.Errorf("run: %w; the results were written to %s instead", err, tmp.Name())
}

// runSuiteOf is the suite run runs: the files named, else the quick or
// the default suite embedded in the binary.
func runSuiteOf(args []string, quick bool) ([]*harness.Scenario, error) {
	switch {
	case quick && len(args) > 0:
		return nil, fmt.Errorf("%w: run -quick runs the quick suite in the binary; give it no files (or use -repetitions, -duration and -warmup)", errUsage)
	case quick:
		return embeddedSuite(scenarios.Quick())
	case len(args) == 0:
		return embeddedSuite(scenarios.Default())
	}
	return loadScenarios(args)
}

// needBuild checks that a suite whose external targets name {build} is
// given a build (flag names the flag that gives it).
func needBuild(suite []*harness.Scenario, build, flag string) error {
	if strings.TrimSpace(build) != "" {
		return nil
	}
	for _, s := range suite {
		for _, t := range s.Targets {
			if t.UsesBuild() {
				return fmt.Errorf("%w: %s / %s names {build} in its command: give the build under test with %s", errUsage, s.Name, t.Name, flag)
			}
		}
	}
	return nil
}

// writeGates writes one line per gate, its verdict and the value measured,
// and returns errExpectation when any failed.
func writeGates(w io.Writer, gates []results.Gate) error {
	for _, g := range gates {
		fmt.Fprintln(w, "expect:", g)
	}
	return gatesError(gates)
}

// gatesError is errExpectation when any gate failed, else nil.
func gatesError(gates []results.Gate) error {
	failed := 0
	for _, g := range gates {
		if !g.Pass {
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("%w: %d of %d", errExpectation, failed, len(gates))
	}
	return nil
}

// onlyTargets keeps the named targets of each scenario, and the scenarios
// that keep any. Every name must be a target of some scenario.
func onlyTargets(suite []*harness.Scenario, names []string, stderr io.Writer) ([]*harness.Scenario, error) {
	known := map[string]bool{}
	for _, s := range suite {
		for _, t := range s.Targets {
			known[t.Name] = true
		}
	}
	for _, n := range names {
		if !known[n] {
			return nil, fmt.Errorf("%w: -targets: %q is a target of none of the scenarios", errUsage, n)
		}
	}
	kept := suite[:0]
	for _, s := range suite {
		if s.Only(names) {
			kept = append(kept, s)
		} else {
			fmt.Fprintf(stderr, "%s: none of -targets; skipped\n", s.Name)
		}
	}
	return kept, nil
}

// defaultPinning says where the targets and the client run unless a
// scenario says otherwise.
const defaultPinning = "by default the target runs on CPU 0 and the load generator on the other CPUs " +
	"(none pinned on one core); each scenario records its own pinning"

// failures is an error naming the runs that failed, or nil. A skipped run
// (an external target whose check failed) is not a failure.
func failures(f *results.File) error {
	var failed []string
	runs := 0
	for _, s := range f.Scenarios {
		for _, r := range s.Runs {
			runs++
			if r.Error != "" && !strings.HasPrefix(r.Error, harness.SkippedPrefix) {
				failed = append(failed, fmt.Sprintf("%s / %s / rep %d: %s", s.Name, r.Target, r.Rep, r.Error))
			}
		}
	}
	if len(failed) == 0 {
		return nil
	}
	return fmt.Errorf("run: %d of %d runs failed (the results hold the rest):\n  %s", len(failed), runs, strings.Join(failed, "\n  "))
}
