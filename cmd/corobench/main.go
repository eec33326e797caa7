// Command corobench serves the reference servers, puts load on any HTTP
// server, runs scenario suites and writes their reports.
//
//	corobench serve -model NAME [-addr 127.0.0.1:0]   run one model
//	corobench load [-c 50] [-d 10s] URL                 put load on a server
//	corobench run [-o DIR] SCENARIO.yaml...             run scenarios, write results and report
//	corobench report [-o DIR] RESULTS.json              render a report
//	corobench calibrate                                 measure this machine's work rate
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

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1 // the command failed
	exitUsage  = 2 // the command line is wrong
)

// errUsage marks an error in the command line.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errUsage):
		fmt.Fprintln(stderr, "corobench:", err)
		return exitUsage
	}
	fmt.Fprintln(stderr, "corobench:", err)
	return exitFailed
}

const usage = `usage: corobench COMMAND [flags]

commands:
  serve      run one reference server (a concurrency model)
  load       put closed-loop load on an HTTP server and print what it measured
  run        run scenario files against the models; write results.json and REPORT.md
  report     render REPORT.md from a results file
  calibrate  measure this machine's CPU work rate (units per µs)

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
	case "calibrate":
		return calibrateCmd(rest, stdout, stderr)
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
