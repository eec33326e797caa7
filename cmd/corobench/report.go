package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/corobench/corobench/reports"
	"github.com/corobench/corobench/results"
)

// Report formats.
const (
	formatMarkdown = "md"    // REPORT.md, charts/*.svg and REPORT.html in a directory
	formatJSON     = "json"  // the summary, on standard output
	formatBench    = "bench" // the Go benchmark format, on standard output
)

func reportCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	outDir := fs.String("o", "", "directory for REPORT.md, charts/ and REPORT.html (default: beside the results file)")
	format := fs.String("format", formatMarkdown, "md: REPORT.md, charts/*.svg and the self-contained REPORT.html; json: the summary on stdout; bench: Go benchmark format on stdout")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: corobench report [-o DIR] [-format md|json|bench] RESULTS.json")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: report takes one results file", errUsage)
	}
	switch *format {
	case formatMarkdown, formatJSON, formatBench:
	default:
		return fmt.Errorf("%w: report: -format %q: want md, json or bench", errUsage, *format)
	}
	f, err := results.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	switch *format {
	case formatJSON:
		return reports.WriteJSON(stdout, f)
	case formatBench:
		return results.WriteBench(stdout, f)
	}
	dir := *outDir
	if dir == "" {
		dir = filepath.Dir(fs.Arg(0))
	}
	if err := writeReport(f, dir); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s and %s\n", filepath.Join(dir, "REPORT.md"), filepath.Join(dir, reports.HTMLName))
	return nil
}

// writeReport renders f to DIR/REPORT.md and DIR/charts/*.svg, and to the
// self-contained DIR/REPORT.html, each file atomically; the charts first, so
// the report never links a missing one.
func writeReport(f *results.File, dir string) error {
	charts := reports.Charts(f)
	if len(charts) > 0 {
		if err := os.MkdirAll(filepath.Join(dir, reports.ChartDir), 0o755); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	for _, c := range charts {
		var buf bytes.Buffer
		if err := c.WriteSVG(&buf); err != nil {
			return err
		}
		if err := results.WriteAtomic(filepath.Join(dir, reports.ChartDir, c.Name), buf.Bytes()); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := reports.Markdown(&buf, f); err != nil {
		return err
	}
	if err := results.WriteAtomic(filepath.Join(dir, "REPORT.md"), buf.Bytes()); err != nil {
		return err
	}
	buf.Reset()
	if err := reports.HTML(&buf, f); err != nil {
		return err
	}
	return results.WriteAtomic(filepath.Join(dir, reports.HTMLName), buf.Bytes())
}
