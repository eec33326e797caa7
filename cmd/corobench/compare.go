package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/corobench/corobench/reports/compare"
	"github.com/corobench/corobench/results"
)

func compareCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	md := fs.Bool("md", false, "write a markdown table instead of text")
	alpha := fs.Float64("alpha", compare.DefaultAlpha, "significance level of the Mann-Whitney U test")
	thresholds := thresholdFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: corobench compare [flags] BASE.json HEAD.json")
		fmt.Fprintln(stderr, "Exit status: 0 no regression (warnings allowed), 1 regression, 2 failure.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return fmt.Errorf("%w: compare takes two results files, BASE and HEAD", errUsage)
	}
	if !(*alpha > 0 && *alpha < 0.5) {
		return fmt.Errorf("%w: compare: -alpha %v is not between 0 and 0.5", errUsage, *alpha)
	}
	th, err := thresholds()
	if err != nil {
		return err
	}
	base, err := results.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	head, err := results.ReadFile(fs.Arg(1))
	if err != nil {
		return err
	}
	rep := compare.Files(base, head, compare.WithAlpha(*alpha), compare.WithThresholds(th))
	if err := writeComparison(stdout, rep, *md); err != nil {
		return err
	}
	if rep.Verdict() == compare.Fail {
		return errRegression
	}
	return nil
}

// writeComparison writes a comparison as text or markdown.
func writeComparison(w io.Writer, rep *compare.Report, md bool) error {
	if md {
		return compare.Markdown(w, rep)
	}
	return compare.Text(w, rep)
}

// thresholdFlags adds -thresholds FILE and repeatable -threshold METRIC=SPEC
// to fs. The returned function, called after parsing, gives the defaults,
// then the file, then the flags in order.
func thresholdFlags(fs *flag.FlagSet) func() (compare.Thresholds, error) {
	file := fs.String("thresholds", "", "YAML file of METRIC: SPEC lines (see docs/ci.md)")
	var specs []string
	fs.Func("threshold", "METRIC=SPEC, repeatable: req/s=5%, 'p99=30% fail', cpu/req=off (defaults: "+
		compare.DefaultThresholds().String()+")", func(s string) error {
		if err := compare.DefaultThresholds().Set(s); err != nil { // check it now, for a usage error
			return err
		}
		specs = append(specs, s)
		return nil
	})
	return func() (compare.Thresholds, error) {
		th := compare.DefaultThresholds()
		if *file != "" {
			if err := compare.LoadThresholds(*file, th); err != nil {
				return nil, err
			}
		}
		for _, s := range specs {
			if err := th.Set(s); err != nil {
				return nil, fmt.Errorf("%w: %v", errUsage, err)
			}
		}
		return th, nil
	}
}
