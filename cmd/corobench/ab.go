package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/corobench/corobench/harness"
	"github.com/corobench/corobench/reports/compare"
	"github.com/corobench/corobench/results"
	"github.com/corobench/corobench/work"
)

// abCmd runs two builds of the targets through scenarios, interleaved
// A B B A …, a fresh process each run, and judges B against A from the
// paired ratios (reports/compare does the statistics; this is the process
// side). With one build on both sides it is an A/A run: it measures the
// machine's noise and suggests thresholds.
func abCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ab", flag.ContinueOnError)
	a := fs.String("a", "", "baseline corobench binary (default: this one)")
	b := fs.String("b", "", "corobench binary under test (default: the same as -a, an A/A run)")
	pairs := fs.Int("pairs", compare.DefaultPairs, "A/B pairs per target")
	maxPairs := fs.Int("max-pairs", compare.DefaultMaxPairs, "pairs in total for a target still unclear after -pairs: the one extension")
	outDir := fs.String("o", "", "also write the runs to DIR/a.json and DIR/b.json")
	md := fs.Bool("md", false, "write a markdown table instead of text")
	rate := fs.Float64("cpu-rate", 0, "work units per µs given to both builds (0: calibrate now)")
	thresholds := thresholdFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: corobench ab [-a OLD] [-b NEW] [flags] SCENARIO.yaml...")
		fmt.Fprintln(stderr, "Exit status: 0 no regression (warnings allowed), 1 regression, 2 failure.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("%w: ab takes one or more scenario files", errUsage)
	}
	if *pairs < 1 || *maxPairs < *pairs {
		return fmt.Errorf("%w: ab: want 1 ≤ -pairs ≤ -max-pairs, have %d and %d", errUsage, *pairs, *maxPairs)
	}
	th, err := thresholds()
	if err != nil {
		return err
	}
	suite, err := loadScenarios(fs.Args())
	if err != nil {
		return err
	}
	if *a == "" {
		if *a, err = os.Executable(); err != nil {
			return fmt.Errorf("ab: find own binary: %w", err)
		}
	}
	aa := *b == "" || *b == *a
	if *b == "" {
		*b = *a
	}
	for _, bin := range []string{*a, *b} {
		if _, err := os.Stat(bin); err != nil {
			return fmt.Errorf("ab: %w", err)
		}
	}
	if *rate <= 0 {
		*rate = float64(work.Calibrate(work.DefaultCalibration))
	}
	ab := &abRun{
		runners: [2]*harness.Runner{
			compare.A: {Binary: *a, Rate: work.Rate(*rate)},
			compare.B: {Binary: *b, Rate: work.Rate(*rate)},
		},
		scenario: map[compare.Key]*harness.Scenario{},
		runs:     map[compare.Key][][2]*results.Run{},
		log:      stderr,
	}
	var keys []compare.Key
	for _, s := range suite {
		for _, t := range s.Targets {
			k := compare.Key{Scenario: s.Name, Target: t.Name}
			keys = append(keys, k)
			ab.scenario[k] = s
		}
	}
	started := time.Now().UTC()
	opts := []compare.Option{compare.WithThresholds(th)}
	ab.total = *pairs
	ab.do(ctx, compare.Schedule(keys, 0, *pairs))
	rep := compare.Paired(ab.sets(keys), opts...)
	if unclear := rep.Unclear(); len(unclear) > 0 && *maxPairs > *pairs && ctx.Err() == nil {
		fmt.Fprintf(stderr, "ab: %d of %d targets unclear after %d pairs: the pre-declared extension to %d\n",
			len(unclear), len(keys), *pairs, *maxPairs)
		ab.total = *maxPairs
		ab.do(ctx, compare.Schedule(unclear, *pairs, *maxPairs))
		rep = compare.Paired(ab.sets(keys), opts...)
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("%d targets were unclear after %d pairs and got the one extension to %d; this verdict is final",
			len(unclear), *pairs, *maxPairs))
	}
	if ctx.Err() != nil {
		rep.Warnings = append(rep.Warnings, "interrupted: the verdict covers the pairs finished")
	}
	if aa {
		rep.Warnings = append(rep.Warnings, "A/A: both sides ran the same build, so any FAIL here is the machine's noise")
	}
	if *outDir != "" {
		if err := ab.write(*outDir, suite, *rate, started); err != nil {
			return err
		}
	}
	if err := writeComparison(stdout, rep, *md); err != nil {
		return err
	}
	if aa {
		if err := compare.WriteNoise(stdout, compare.NoiseOf(rep), th); err != nil {
			return err
		}
	}
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case !aa && rep.Verdict() == compare.Fail:
		return errRegression
	}
	return nil
}

// abRun holds an A/B's runners and the runs so far: runs[key][pair][side].
type abRun struct {
	runners  [2]*harness.Runner
	scenario map[compare.Key]*harness.Scenario
	runs     map[compare.Key][][2]*results.Run
	total    int // pairs planned, for the progress lines
	log      io.Writer
}

// do runs the steps in order, one fresh target process each, until ctx ends.
func (ab *abRun) do(ctx context.Context, steps []compare.Step) {
	for _, st := range steps {
		if ctx.Err() != nil {
			return
		}
		run := runOnce(ctx, ab.runners[st.Side], ab.scenario[st.Key], st.Target)
		run.Rep = st.Pair + 1
		for len(ab.runs[st.Key]) <= st.Pair {
			ab.runs[st.Key] = append(ab.runs[st.Key], [2]*results.Run{})
		}
		ab.runs[st.Key][st.Pair][st.Side] = &run
		fmt.Fprintf(ab.log, "pair %d/%d %s %s / %s: %s\n", st.Pair+1, ab.total, st.Side, st.Scenario, st.Target, runLine(&run))
	}
}

// runOnce runs one target of s once, through the scenario runner.
func runOnce(ctx context.Context, r *harness.Runner, s *harness.Scenario, target string) results.Run {
	one := *s
	one.Targets = nil
	for _, t := range s.Targets {
		if t.Name == target {
			one.Targets = []harness.TargetSpec{t}
		}
	}
	one.Repetitions = 1
	out := r.Run(ctx, &one)
	if len(out.Runs) == 0 {
		return results.Run{Target: target, Error: "interrupted"}
	}
	return out.Runs[0]
}

func runLine(r *results.Run) string {
	if r.Error != "" {
		return "error: " + r.Error
	}
	if r.Load == nil {
		return "no load measured"
	}
	return fmt.Sprintf("%.0f req/s, p99 %s, %d errors", r.Load.Throughput(), r.Load.Latency.Quantile(0.99), r.Load.ErrorCount())
}

// sets gives the complete pairs of every key.
func (ab *abRun) sets(keys []compare.Key) []compare.PairSet {
	var sets []compare.PairSet
	for _, k := range keys {
		set := compare.PairSet{Key: k}
		for _, p := range ab.runs[k] {
			if p[compare.A] != nil && p[compare.B] != nil {
				set.Pairs = append(set.Pairs, compare.Pair{A: p[compare.A], B: p[compare.B]})
			}
		}
		sets = append(sets, set)
	}
	return sets
}

// write saves each side's runs as a results file, a.json and b.json, which
// compare and report read like any other.
func (ab *abRun) write(dir string, suite []*harness.Scenario, rate float64, started time.Time) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("ab: %w", err)
	}
	for side, name := range map[compare.Side]string{compare.A: "a.json", compare.B: "b.json"} {
		f := &results.File{Version: results.Version, Env: environment(), Started: started, Finished: time.Now().UTC(), Models: modelList()}
		f.Env.CPURate = rate
		f.Env.Commit = "" // the builds measured are not this one
		for _, s := range suite {
			rs := results.Scenario{Name: s.Name, Description: s.Description, File: s.File()}
			for _, t := range s.Targets {
				for _, p := range ab.runs[compare.Key{Scenario: s.Name, Target: t.Name}] {
					if p[side] != nil {
						rs.Runs = append(rs.Runs, *p[side])
					}
				}
			}
			f.Scenarios = append(f.Scenarios, rs)
		}
		if err := results.WriteFile(filepath.Join(dir, name), f); err != nil {
			return err
		}
	}
	return nil
}

// loadScenarios reads every file first, so that a typo in the last one does
// not cost the time of running the others; it reports every bad file.
func loadScenarios(paths []string) ([]*harness.Scenario, error) {
	var suite []*harness.Scenario
	var errs []error
	for _, path := range paths {
		s, err := harness.LoadFile(path)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		suite = append(suite, s)
	}
	return suite, errors.Join(errs...)
}
