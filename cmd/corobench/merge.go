package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/corobench/corobench/loadgen"
	"github.com/corobench/corobench/reports"
	"github.com/corobench/corobench/results"
)

// mergeCmd merges `load -json` files from several client machines that ran
// at once against one target into one result.
func mergeCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("merge", flag.ContinueOnError)
	out := fs.String("o", "", "write the merged results file here")
	bench := fs.Bool("bench", false, "print a Go benchmark format line instead of the summary")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: corobench merge [-o OUT.json] A.json B.json ...  (a file may be a log holding load -json - output)")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() < 1 {
		return fmt.Errorf("%w: merge takes the -json files of load runs", errUsage)
	}
	var loads []*results.Load
	var targets []string
	for _, path := range fs.Args() {
		f, err := results.ReadLog(path)
		if err != nil {
			return err
		}
		if len(f.Scenarios) != 1 || len(f.Scenarios[0].Runs) != 1 || f.Scenarios[0].Runs[0].Load == nil {
			return fmt.Errorf("%s: not the results of one load run", path)
		}
		run := f.Scenarios[0].Runs[0]
		loads = append(loads, run.Load)
		if !slices.Contains(targets, run.Target) {
			targets = append(targets, run.Target) // agents loading one target name it once
		}
	}
	merged, err := results.MergeLoads(loads...)
	if err != nil {
		return err
	}
	target := strings.Join(targets, "+")
	if *out != "" {
		f := &results.File{Version: results.Version, Env: environment(), Finished: time.Now(),
			Scenarios: []results.Scenario{{Name: "load", Description: fmt.Sprintf("merged from %d clients", len(loads)),
				Runs: []results.Run{{Target: target, Rep: 1, Load: merged}}}}}
		if err := results.WriteFile(*out, f); err != nil {
			return err
		}
	}
	if *bench {
		return loadgen.WriteBench(stdout, fmt.Sprintf("%s/merged-%d", merged.Mode, len(loads)), merged)
	}
	return reports.LoadSummary(stdout, target, merged)
}
