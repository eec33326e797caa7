// Command corobench serves the reference servers, puts load on any HTTP
// server, runs scenario suites and writes their reports.
//
//	corobench serve -model NAME [-addr 127.0.0.1:0]   run one model
//	corobench models [-json]                           list the models
//	corobench load [-c 50] [-d 10s] [-R RATE] URL       put load on a server
//	corobench merge [-o OUT.json] A.json B.json...      merge load results of several clients
//	corobench run [-o DIR] [SCENARIO.yaml...]           run scenarios (default: the embedded suite), write results and report
//	corobench report [-o DIR] RESULTS.json              render a report
//	corobench calibrate                                 measure this machine's work rate
//	corobench compare [-md] BASE.json HEAD.json          regression verdicts between two results files
//	corobench ab -a OLD -b NEW SCENARIO.yaml...          A/B two builds, interleaved pairs
//	corobench scenarios [NAME...]                       list or print the scenarios embedded in the binary
//	corobench version [-json]                           the binary's version, commit, Go version and build tags
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes, as diff and grep have them: 1 is an answer, not a failure.
const (
	exitOK           = 0
	exitRegression   = 1 // compare or ab found a regression, or an expectation (expect, -expect) failed
	exitFailed       = 2 // the command failed
	exitUsage        = 2 // the command line is wrong
	exitInconclusive = 3 // compare or ab -strict: some rows had too few runs to FAIL
)

// errUsage marks an error in the command line.
var errUsage = errors.New("usage")

// errRegression is what compare and ab return when a row fails: the tool
// worked, and the answer is no.
var errRegression = errors.New("regression found")

// errExpectation is what run, load and ab return when a gate of a scenario
// (expect:) or of load -expect fails: an answer too, exit 1.
var errExpectation = errors.New("expectations failed")

// errInconclusive is what compare and ab -strict return when some rows had
// too few runs for any verdict but WARN: they could not have failed.
var errInconclusive = errors.New("inconclusive")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// exitCode says err on stderr, if it is one, and maps it to the exit code.
func exitCode(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	fmt.Fprintln(stderr, "corobench:", err)
	switch {
	case errors.Is(err, errUsage):
		return exitUsage
	case errors.Is(err, errRegression), errors.Is(err, errExpectation):
		return exitRegression
	case errors.Is(err, errInconclusive):
		return exitInconclusive
	}
	return exitFailed
}

const usage = `usage: corobench COMMAND [flags]

commands:
  serve      run one reference server (a concurrency model)
  models     list the models serve runs, with what each is and its textbook analogue
  load       put closed, open-loop or batch load on an HTTP server; print what it measured
  merge      merge the -json results of load runs from several client machines
  run        run scenario files (default: the suite in the binary); write results.json, REPORT.md and REPORT.html
  report     render REPORT.md, charts and REPORT.html (or a JSON summary) from a results file
  calibrate  measure this machine's CPU work rate (units per µs)
  compare    compare two results files: verdicts per scenario, model and metric
  ab         run two builds interleaved (A B B A …) and judge B against A
  scenarios  list the scenario files in the binary, or print one
  version    print the version, commit, Go version and build tags of this binary

Exit codes: 0 success (compare and ab: no regression), 1 regression found or
an expectation failed, 2 the command failed or its command line is wrong,
3 compare or ab -strict: too few runs for some rows to fail.

Run 'corobench COMMAND -h' for a command's flags.
`

// run is the whole command, testable: it never exits the process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("%w: no command", errUsage)
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serveCmd(ctx, rest, stdout, stderr)
	case "load":
		return loadCmd(ctx, rest, stdout, stderr)
	case "run":
		return runCmd(ctx, rest, stdout, stderr)
	case "report":
		return reportCmd(rest, stdout, stderr)
	case "merge":
		return mergeCmd(rest, stdout, stderr)
	case "models":
		return modelsCmd(rest, stdout, stderr)
	case "calibrate":
		return calibrateCmd(rest, stdout, stderr)
	case "compare":
		return compareCmd(rest, stdout, stderr)
	case "ab":
		return abCmd(ctx, rest, stdout, stderr)
	case "scenarios":
		return scenariosCmd(rest, stdout, stderr)
	case "version":
		return versionCmd(rest, stdout, stderr)
	case childCommand: // hidden: a multi-process model's child
		return childCmd(ctx, rest)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("%w: unknown command %q", errUsage, cmd)
}

// parseFlags parses a subcommand's flags, turning a flag error into a usage error.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %s: %v", errUsage, fs.Name(), err)
	}
	return nil
}
