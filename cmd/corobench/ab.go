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
// paired ratios. With one build on both sides it is an A/A run: it
// measures the machine's noise and suggests thresholds. The plan and its
// judging are abPlan's (the statistics reports/compare's); this is the
// command line and the processes.
func abCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseAB(args, stderr)
	if err != nil {
		return err
	}
	return c.exec(ctx, processRunner(c.builds, c.rate, c.suite), stdout, stderr)
}

// abConfig is an A/B as its command line asks for it.
type abConfig struct {
	plan       abPlan
	builds     [2]string // the corobench binary of each side
	rate       work.Rate
	suite      []*harness.Scenario
	thresholds compare.Thresholds
	outDir     string
	md         bool
}

func parseAB(args []string, stderr io.Writer) (*abConfig, error) {
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
		return nil, err
	}
	if fs.NArg() == 0 {
		return nil, fmt.Errorf("%w: ab takes one or more scenario files", errUsage)
	}
	if *pairs < 1 || *maxPairs < *pairs {
		return nil, fmt.Errorf("%w: ab: want 1 ≤ -pairs ≤ -max-pairs, have %d and %d", errUsage, *pairs, *maxPairs)
	}
	th, err := thresholds()
	if err != nil {
		return nil, err
	}
	suite, err := loadScenarios(fs.Args())
	if err != nil {
		return nil, err
	}
	if *a == "" {
		if *a, err = os.Executable(); err != nil {
			return nil, fmt.Errorf("ab: find own binary: %w", err)
		}
	}
	aa := *b == "" || *b == *a
	if *b == "" {
		*b = *a
	}
	for _, bin := range []string{*a, *b} {
		if _, err := os.Stat(bin); err != nil {
			return nil, fmt.Errorf("ab: %w", err)
		}
	}
	if *rate <= 0 {
		*rate = float64(work.Calibrate(work.DefaultCalibration))
	}
	var keys []compare.Key
	for _, s := range suite {
		for _, t := range s.Targets {
			keys = append(keys, compare.Key{Scenario: s.Name, Target: t.Name})
		}
	}
	return &abConfig{
		plan: abPlan{keys: keys, pairs: *pairs, maxPairs: *maxPairs, sameBuild: aa,
			opts: []compare.Option{compare.WithThresholds(th)}},
		builds: [2]string{compare.A: *a, compare.B: *b}, rate: work.Rate(*rate), suite: suite,
		thresholds: th, outDir: *outDir, md: *md,
	}, nil
}

// exec runs the A/B with runStep, writes what it found, and returns its
// answer: errRegression, the context's error when interrupted, or nil.
func (c *abConfig) exec(ctx context.Context, runStep abRunner, stdout, stderr io.Writer) error {
	started := time.Now().UTC()
	plan := c.plan
	plan.log = stderr
	o := plan.run(ctx, runStep)
	if c.outDir != "" {
		if err := o.write(c.outDir, c.suite, float64(c.rate), started); err != nil {
			return err
		}
	}
	if err := writeComparison(stdout, o.report, c.md); err != nil {
		return err
	}
	if o.sameBuild {
		if err := compare.WriteNoise(stdout, compare.NoiseOf(o.report), c.thresholds); err != nil {
			return err
		}
	}
	return o.err()
}

// processRunner is the abRunner of the real thing: each step runs its
// target once, in a fresh process of its side's build.
func processRunner(builds [2]string, rate work.Rate, suite []*harness.Scenario) abRunner {
	runners := [2]*harness.Runner{
		compare.A: {Binary: builds[compare.A], Rate: rate},
		compare.B: {Binary: builds[compare.B], Rate: rate},
	}
	scenario := map[compare.Key]*harness.Scenario{}
	for _, s := range suite {
		for _, t := range s.Targets {
			scenario[compare.Key{Scenario: s.Name, Target: t.Name}] = s
		}
	}
	return func(ctx context.Context, st compare.Step) results.Run {
		return runOnce(ctx, runners[st.Side], scenario[st.Key], st.Target)
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
	if len(out) == 0 || len(out[0].Runs) == 0 {
		return results.Run{Target: target, Error: "interrupted"}
	}
	return out[0].Runs[0]
}

// write saves each side's runs as a results file, a.json and b.json, which
// compare and report read like any other.
func (o *abOutcome) write(dir string, suite []*harness.Scenario, rate float64, started time.Time) error {
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
				for _, p := range o.runs[compare.Key{Scenario: s.Name, Target: t.Name}] {
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
		if len(s.Load.Background) > 0 {
			errs = append(errs, fmt.Errorf("%s: ab compares one run per target; a curve (load.background_idle) is for corobench run", path))
			continue
		}
		suite = append(suite, s)
	}
	return suite, errors.Join(errs...)
}
