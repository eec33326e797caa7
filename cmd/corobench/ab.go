package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
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
	return c.exec(ctx, processRunner(c.runners, c.suite), stdout, stderr)
}

// abConfig is an A/B as its command line asks for it.
type abConfig struct {
	plan abPlan
	// builds are what -a and -b named; runners run each side.
	builds     [2]string
	runners    [2]harness.Runner
	rate       work.Rate
	suite      []*harness.Scenario
	thresholds compare.Thresholds
	outDir     string
	jsonOut    string
	md, strict bool
}

func parseAB(args []string, stderr io.Writer) (*abConfig, error) {
	fs := flag.NewFlagSet("ab", flag.ContinueOnError)
	a := fs.String("a", "", "the baseline build: a corobench binary, or, when the scenarios name {build}, your server's (a path or a command) (default: this corobench)")
	b := fs.String("b", "", "the build under test, likewise (default: the same as -a, an A/A run)")
	pairs := fs.Int("pairs", compare.DefaultPairs, "A/B pairs per target")
	maxPairs := fs.Int("max-pairs", compare.DefaultMaxPairs, "pairs in total for a target still unclear after -pairs: the one extension")
	outDir := fs.String("o", "", "also write the runs to DIR/a.json and DIR/b.json")
	md := fs.Bool("md", false, "write a markdown table instead of text")
	jsonOut := fs.String("json", "", "also write the verdicts as JSON to this file (-: to stdout, instead of the table)")
	strict := fs.Bool("strict", false, "exit 3 when some rows had too few pairs to FAIL")
	rate := fs.Float64("cpu-rate", 0, "work units per µs given to both builds (0: calibrate now)")
	thresholds := thresholdFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: corobench ab [-a OLD] [-b NEW] [flags] SCENARIO.yaml...")
		fmt.Fprintln(stderr, "The models are served by -a and -b (corobench binaries); an external target whose command")
		fmt.Fprintln(stderr, "names {build} runs -a on one side and -b on the other, and its models then run this corobench.")
		fmt.Fprintln(stderr, "Exit status: 0 no regression (warnings allowed), 1 regression or an expectation failed,")
		fmt.Fprintln(stderr, "2 failure, 3 -strict and too few pairs for some rows to fail.")
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
	if err := refuseCurves(suite); err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("ab: find own binary: %w", err)
	}
	withBuild := usesBuild(suite)
	switch {
	case *a == "" && withBuild:
		return nil, fmt.Errorf("%w: ab: the scenarios name {build}: give -a OLD and -b NEW, the two builds of your server", errUsage)
	case *a == "":
		*a = self
	}
	aa := *b == "" || *b == *a
	if *b == "" {
		*b = *a
	}
	c := &abConfig{builds: [2]string{compare.A: *a, compare.B: *b}, suite: suite,
		thresholds: th, outDir: *outDir, jsonOut: *jsonOut, md: *md, strict: *strict}
	if err := c.setRunners(self, withBuild); err != nil {
		return nil, err
	}
	keys, same, err := abKeys(suite, withBuild, aa)
	if err != nil {
		return nil, err
	}
	if *rate <= 0 {
		*rate = float64(work.Calibrate(work.DefaultCalibration))
	}
	c.rate = work.Rate(*rate)
	for side := range c.runners {
		c.runners[side].Rate = c.rate
	}
	c.plan = abPlan{keys: keys, pairs: *pairs, maxPairs: *maxPairs, sameBuild: aa, same: same,
		opts: []compare.Option{compare.WithThresholds(th)}}
	return c, nil
}

// setRunners makes each side's runner: this corobench running the side's
// build where the scenarios name {build}, else the side's corobench binary.
// A build that cannot be found fails now, not run by run.
func (c *abConfig) setRunners(self string, withBuild bool) error {
	for _, side := range []compare.Side{compare.A, compare.B} {
		build := c.builds[side]
		if withBuild {
			c.runners[side] = harness.Runner{Binary: self, Build: build}
			if err := checkBuild(c.suite, build); err != nil {
				return fmt.Errorf("ab: -%s: %w", strings.ToLower(side.String()), err)
			}
			continue
		}
		c.runners[side] = harness.Runner{Binary: build}
		if _, err := os.Stat(build); err != nil {
			return fmt.Errorf("ab: %w", err)
		}
	}
	return nil
}

// abKeys lists the suite's targets, and those among them that run the same
// on both sides although the builds differ (aa false): what -a and -b name
// does not reach them. It is a usage error when that is every target.
func abKeys(suite []*harness.Scenario, withBuild, aa bool) (keys []compare.Key, same map[compare.Key]bool, err error) {
	same = map[compare.Key]bool{}
	for _, s := range suite {
		for _, t := range s.Targets {
			k := compare.Key{Scenario: s.Name, Target: t.Name}
			keys = append(keys, k)
			if !aa && (withBuild && !t.UsesBuild() || !withBuild && t.External()) {
				same[k] = true
			}
		}
	}
	if len(keys) > 0 && len(same) == len(keys) {
		return nil, nil, fmt.Errorf("%w: ab: -a and -b differ, but no target of these scenarios runs them: each would run the same on both sides "+
			"(an external target takes the builds through {build} in its command; the models are served by -a and -b "+
			"only when no target names {build})", errUsage)
	}
	return keys, same, nil
}

// usesBuild reports whether any target of the suite names {build}.
func usesBuild(suite []*harness.Scenario) bool {
	for _, s := range suite {
		for _, t := range s.Targets {
			if t.UsesBuild() {
				return true
			}
		}
	}
	return false
}

// checkBuild checks that build gives every target that names {build} a
// command that can be found, so that a typo fails now, not run by run.
func checkBuild(suite []*harness.Scenario, build string) error {
	if strings.TrimSpace(build) == "" {
		return fmt.Errorf("an empty build")
	}
	for _, s := range suite {
		for _, t := range s.Targets {
			if err := t.CheckBuild(build); err != nil {
				return err
			}
		}
	}
	return nil
}

// exec runs the A/B with runStep, writes what it found, and returns its
// answer: errRegression, errExpectation, errInconclusive (-strict), the
// context's error when interrupted, or nil.
func (c *abConfig) exec(ctx context.Context, runStep abRunner, stdout, stderr io.Writer) error {
	started := time.Now().UTC()
	plan := c.plan
	plan.log = stderr
	o := plan.run(ctx, runStep)
	o.report.Gates = o.gates(c.suite)
	if c.outDir != "" {
		if err := o.write(c.outDir, c.suite, c.builds, float64(c.rate), started); err != nil {
			return err
		}
	}
	if err := writeVerdicts(stdout, o.report, c.md, c.jsonOut); err != nil {
		return err
	}
	if o.sameBuild && c.jsonOut != "-" {
		if err := compare.WriteNoise(stdout, compare.NoiseOf(o.report), c.thresholds); err != nil {
			return err
		}
	}
	if err := o.err(); err != nil {
		return err
	}
	return verdictError(o.report, c.strict, stderr, "ab", "pairs")
}

// processRunner is the abRunner of the real thing: each step runs its
// target once, in a fresh process of its side's build.
func processRunner(runners [2]harness.Runner, suite []*harness.Scenario) abRunner {
	scenario := map[compare.Key]*harness.Scenario{}
	for _, s := range suite {
		for _, t := range s.Targets {
			scenario[compare.Key{Scenario: s.Name, Target: t.Name}] = s
		}
	}
	return func(ctx context.Context, st compare.Step) results.Run {
		return runOnce(ctx, &runners[st.Side], scenario[st.Key], st.Target)
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
func (o *abOutcome) write(dir string, suite []*harness.Scenario, builds [2]string, rate float64, started time.Time) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("ab: %w", err)
	}
	for side, name := range map[compare.Side]string{compare.A: "a.json", compare.B: "b.json"} {
		f := &results.File{Version: results.Version, Env: environment(), Started: started, Finished: time.Now().UTC(), Models: modelList()}
		f.Env.CPURate = rate
		f.Env.Commit = "" // the builds measured are not this one
		f.Env.Target = builds[side]
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
			if side == compare.B {
				f.Gates = append(f.Gates, s.Gates(rs)...)
			}
		}
		if err := results.WriteFile(filepath.Join(dir, name), f); err != nil {
			return err
		}
	}
	return nil
}

// refuseCurves names every scenario that draws a curve: ab compares one run
// per target, a curve (load.background_idle) is for corobench run.
func refuseCurves(suite []*harness.Scenario) error {
	var errs []error
	for _, s := range suite {
		if len(s.Load.Background) > 0 {
			errs = append(errs, fmt.Errorf("%w: ab: %s: ab compares one run per target; a curve (load.background_idle) is for corobench run", errUsage, s.Name))
		}
	}
	return errors.Join(errs...)
}
