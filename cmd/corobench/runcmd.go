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

	"github.com/corobench/corobench/results"
	"github.com/corobench/corobench/scenarios"
	"github.com/corobench/corobench/targets/work"
)

func runCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	outDir := fs.String("o", "reports/latest", "directory for results.json and REPORT.md")
	rate := fs.Float64("cpu-rate", 0, "work units per µs given to every target (0: calibrate now)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: corobench run [flags] SCENARIO.yaml...")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("%w: run takes one or more scenario files", errUsage)
	}
	// Read every file first: a typo in the last one should not cost the
	// time of running the others.
	var suite []*scenarios.Scenario
	var errs []error
	for _, path := range fs.Args() {
		s, err := scenarios.LoadFile(path)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		suite = append(suite, s)
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
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
	f := &results.File{Version: results.Version, Env: environment(), Started: time.Now().UTC()}
	f.Env.CPURate = *rate
	runner := &scenarios.Runner{Binary: self, Rate: work.Rate(*rate), Log: stderr}
	for _, s := range suite {
		f.Scenarios = append(f.Scenarios, runner.Run(ctx, s))
		if ctx.Err() != nil {
			f.Warnings = append(f.Warnings, "interrupted: the suite was stopped before it finished")
			break
		}
	}
	f.Finished = time.Now().UTC()
	resultsPath := filepath.Join(*outDir, "results.json")
	if err := results.WriteFile(resultsPath, f); err != nil {
		return err
	}
	if err := writeReport(f, *outDir); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s and %s\n", resultsPath, filepath.Join(*outDir, "REPORT.md"))
	return ctx.Err()
}
