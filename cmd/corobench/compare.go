package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"

	"github.com/corobench/corobench/reports/compare"
	"github.com/corobench/corobench/results"
)

func compareCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	md := fs.Bool("md", false, "write a markdown table instead of text")
	jsonOut := fs.String("json", "", "also write the verdicts as JSON to this file (-: to stdout, instead of the table)")
	strict := fs.Bool("strict", false, "exit 3 when some rows had too few runs to FAIL (default: exit 0, with a warning)")
	alpha := fs.Float64("alpha", compare.DefaultAlpha, "significance level of the Mann-Whitney U test")
	thresholds := thresholdFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: corobench compare [flags] BASE.json HEAD.json")
		fmt.Fprintln(stderr, "Exit status: 0 no regression (warnings allowed), 1 regression, 2 failure,")
		fmt.Fprintln(stderr, "3 -strict and too few runs for some rows to fail.")
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
	if err := writeVerdicts(stdout, rep, *md, *jsonOut); err != nil {
		return err
	}
	if rep.Verdict() == compare.Fail {
		return errRegression
	}
	return verdictError(rep, *strict, stderr, "compare", "runs")
}

// writeVerdicts writes a comparison as text or markdown, and as JSON to
// jsonPath when it is set ("-": JSON alone, to w).
func writeVerdicts(w io.Writer, rep *compare.Report, md bool, jsonPath string) error {
	switch {
	case jsonPath == "-":
		return compare.JSON(w, rep)
	case jsonPath != "":
		var buf bytes.Buffer
		if err := compare.JSON(&buf, rep); err != nil {
			return err
		}
		if err := results.WriteAtomic(jsonPath, buf.Bytes()); err != nil {
			return err
		}
	}
	if md {
		return compare.Markdown(w, rep)
	}
	return compare.Text(w, rep)
}

// verdictError is the answer of a comparison with no FAIL that counts: nil,
// unless some rows had too few samples to fail. Then it says so on stderr,
// apart from the table, and under -strict returns errInconclusive.
func verdictError(rep *compare.Report, strict bool, stderr io.Writer, cmd, samples string) error {
	n := rep.TooFew()
	if n == 0 {
		return nil
	}
	msg := fmt.Sprintf("%d of %d rows had too few %s to FAIL, whatever they measured: a regression there cannot be seen", n, len(rep.Rows), samples)
	if strict {
		return fmt.Errorf("%w: %s", errInconclusive, msg)
	}
	fmt.Fprintf(stderr, "%s: INCONCLUSIVE: %s (-strict makes this exit %d)\n", cmd, msg, exitInconclusive)
	return nil
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
