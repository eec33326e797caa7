package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/corobench/corobench/harness"
	"github.com/corobench/corobench/scenarios"
)

// embeddedPrefix names a scenario read from the suite embedded in the
// binary, in results and error messages: "embedded:check/cpu.yaml".
const embeddedPrefix = "embedded:"

// loadScenarios reads every scenario named, each from its file or, when no
// such file exists, from the suite embedded in this binary ("cpu-bound",
// "check/cpu.yaml", "scenarios/check/*.yaml"). It reads them all before
// anything runs, so that a typo in the last one does not cost the time of
// running the others, and reports every bad one.
func loadScenarios(args []string) ([]*harness.Scenario, error) {
	var suite []*harness.Scenario
	var errs []error
	for _, arg := range args {
		data, err := os.ReadFile(arg)
		if err == nil {
			s, err := harness.Parse(arg, data)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			suite = append(suite, s)
			continue
		}
		if !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("harness: %w", err))
			continue
		}
		names, err := embeddedNames(arg)
		if err == nil {
			var embedded []*harness.Scenario
			embedded, err = embeddedSuite(names)
			suite = append(suite, embedded...)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return suite, errors.Join(errs...)
}

// embeddedNames resolves a name of the embedded suite, a glob pattern
// too, with or without "scenarios/" and ".yaml", to the files it names.
func embeddedNames(arg string) ([]string, error) {
	p := strings.TrimPrefix(path.Clean(filepath.ToSlash(arg)), "scenarios/")
	p = strings.TrimPrefix(p, embeddedPrefix)
	if path.Ext(p) == "" && !strings.ContainsAny(p, "*?[") {
		p += ".yaml"
	}
	names, err := fs.Glob(scenarios.FS(), p)
	if err != nil || len(names) == 0 {
		return nil, fmt.Errorf("harness: %s: no such file, nor a scenario of that name in this binary (corobench scenarios lists them)", arg)
	}
	return names, nil
}

// embeddedScenario reads one file of the embedded suite.
func embeddedScenario(name string) (*harness.Scenario, error) {
	data, err := readEmbedded(name)
	if err != nil {
		return nil, err
	}
	return harness.Parse(embeddedPrefix+name, data)
}

// embeddedSuite reads the named files of the embedded suite.
func embeddedSuite(names []string) ([]*harness.Scenario, error) {
	var suite []*harness.Scenario
	for _, name := range names {
		s, err := embeddedScenario(name)
		if err != nil {
			return nil, err
		}
		suite = append(suite, s)
	}
	return suite, nil
}

// scenariosCmd lists the scenario files embedded in the binary, or prints
// the ones named: the way to the suite for a corobench installed with go
// install, with no checkout beside it.
func scenariosCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("scenarios", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: corobench scenarios [NAME...]")
		fmt.Fprintln(stderr, "Lists the scenario files embedded in this binary, or prints the named ones")
		fmt.Fprintln(stderr, "(corobench scenarios check/cpu > my.yaml gives a file to change).")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return listScenarios(stdout)
	}
	for _, arg := range fs.Args() {
		names, err := embeddedNames(arg)
		if err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		for _, name := range names {
			data, err := readEmbedded(name)
			if err != nil {
				return err
			}
			if fs.NArg() > 1 || len(names) > 1 {
				fmt.Fprintf(stdout, "# %s\n", name)
			}
			if _, err := stdout.Write(data); err != nil {
				return err
			}
		}
	}
	return nil
}

func readEmbedded(name string) ([]byte, error) {
	data, err := fs.ReadFile(scenarios.FS(), name)
	if err != nil {
		return nil, fmt.Errorf("scenarios: %w", err)
	}
	return data, nil
}

// listScenarios writes a table of the embedded scenario files: name, the
// suites it belongs to, targets, and the first sentence of its description.
func listScenarios(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSUITE\tTARGETS\tWHAT IT SHOWS")
	err := fs.WalkDir(scenarios.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".yaml" {
			return err
		}
		s, err := embeddedScenario(p)
		if err != nil {
			return err
		}
		var suites []string
		if slices.Contains(scenarios.Default(), p) {
			suites = append(suites, "default")
		}
		if slices.Contains(scenarios.Quick(), p) {
			suites = append(suites, "quick")
		}
		var targets []string
		for _, t := range s.Targets {
			targets = append(targets, t.Name)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", strings.TrimSuffix(p, ".yaml"), cmp.Or(strings.Join(suites, ","), "-"),
			abbreviate(strings.Join(targets, ","), 40), firstSentence(s.Description, 70))
		return nil
	})
	if err != nil {
		return err
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, "\ncorobench run runs the default suite, corobench run -quick the quick one;\n"+
		"corobench run NAME... and corobench ab NAME... take these names where no file has them;\n"+
		"corobench scenarios NAME prints one.")
	return err
}

// firstSentence is the first sentence of s, on one line, at most n runes.
func firstSentence(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if i := strings.Index(s, ". "); i >= 0 {
		s = s[:i+1]
	}
	return abbreviate(s, n)
}

// abbreviate cuts s to n runes, the last an ellipsis.
func abbreviate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
