package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/corobench/corobench/internal/affinity"
	"github.com/corobench/corobench/loadgen"
	"github.com/corobench/corobench/reports"
	"github.com/corobench/corobench/results"
)

// loadCmd is "corobench load": it sends the flags' load to a URL and
// prints what was measured, as text, JSON or the benchmark format.
func loadCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	var f loadFlags
	f.define(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: corobench load [flags] URL (http://HOST:PORT/PATH, udp://HOST:PORT/PATH for datagrams, chat://HOST:PORT or chat+udp://HOST:PORT for a chat room)")
		fs.PrintDefaults()
	}
	urls, err := parseInterspersed(fs, args, stderr)
	if err != nil {
		return err
	}
	if len(urls) != 1 {
		return fmt.Errorf("%w: load takes one URL, such as http://127.0.0.1:8080/health or udp://127.0.0.1:8080/health (flags go before it)", errUsage)
	}
	u, network, err := loadURL(urls[0])
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	f.network, f.chat.on = network, u.chat
	if u.chat {
		err = f.chat.check(&f)
	} else {
		err = f.requests(u.path)
	}
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	opts, err := f.options()
	if err == nil {
		err = f.checkExpects()
	}
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if u.https {
		cfg, err := f.tlsConfig(u.hostname)
		if err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		opts = append(opts, loadgen.WithTLS(cfg))
	} else if f.insecure || f.caFile != "" {
		return fmt.Errorf("%w: -insecure and -ca are for an https URL", errUsage)
	}
	toStdout := f.jsonOut == "-"
	if toStdout && f.bench {
		return fmt.Errorf("%w: -json - writes the results on stdout: drop -bench", errUsage)
	}
	pin, err := affinity.Parse(f.cpus)
	if err != nil {
		return fmt.Errorf("%w: -cpus: %v", errUsage, err)
	}
	if err := affinity.Restrict(pin); err != nil {
		return err
	}
	var hf *os.File
	if f.hlog != "" {
		if hf, err = os.Create(f.hlog); err != nil {
			return err
		}
		defer hf.Close()
		opts = append(opts, loadgen.WithHlog(hf))
	}
	if line := newLiveLine(stderr); !f.quiet && line != nil {
		opts = append(opts, loadgen.WithProgress(func(pr loadgen.Progress) { line.show(loadLine(pr)) }))
		defer line.clear()
	}
	load, err := loadgen.Run(ctx, u.addr, opts...)
	if load == nil {
		return err
	}
	// A side output that failed (the interval log) is reported, and the
	// command fails, once what was measured is written and printed.
	side := err
	if hf != nil {
		side = errors.Join(side, hf.Close())
	}
	if side != nil {
		load.Warnings = append(load.Warnings, side.Error())
	}
	file := loadFile(u.addr, f.reqs, load)
	run := &file.Scenarios[0].Runs[0]
	for _, e := range f.expects {
		file.Gates = append(file.Gates, e.Check(file.Scenarios[0].Name, run.Target, []*results.Run{run}))
	}
	switch {
	case toStdout:
		// One line, alone on stdout, so that a pod's log is the file:
		// corobench merge reads it back from kubectl logs.
		if err := json.NewEncoder(stdout).Encode(file); err != nil {
			return err
		}
		return cmp.Or(side, writeGates(stderr, file.Gates))
	case f.jsonOut != "":
		if err := results.WriteFile(f.jsonOut, file); err != nil {
			return err
		}
	}
	gates := stdout
	if f.bench {
		// benchstat would read an "expect: …" line as a configuration key.
		gates = stderr
		err = loadgen.WriteBench(stdout, benchName(load, f.reqs), load)
	} else {
		err = reports.LoadSummary(stdout, u.addr, load)
	}
	if err != nil {
		return err
	}
	return cmp.Or(side, writeGates(gates, file.Gates))
}

// parseInterspersed parses a command's flags wherever they are among its
// arguments (Go's flag package stops at the first argument that is not a
// flag), and returns the arguments; everything after "--" is an argument.
func parseInterspersed(fs *flag.FlagSet, args []string, stderr io.Writer) ([]string, error) {
	var rest []string
	for {
		dash := slices.Index(args, "--")
		if err := parseFlags(fs, args, stderr); err != nil {
			return nil, err
		}
		left := fs.Args()
		if dash >= 0 && len(args)-len(left) > dash {
			return append(rest, left...), nil // the parse stopped at --
		}
		if len(left) == 0 {
			return rest, nil
		}
		rest, args = append(rest, left[0]), left[1:]
	}
}

// benchName names a run for the benchmark format: mode, load and mix.
func benchName(l *results.Load, reqs requestFlags) string {
	name := l.Mode
	switch l.Mode {
	case results.ModeOpen:
		name += fmt.Sprintf("/R=%.0f", l.Rate)
	case results.ModeBatch:
		name += fmt.Sprintf("/B=%d", l.Conns)
	case results.ModeChat:
		return chatBenchName(l)
	default:
		name += fmt.Sprintf("/c=%d", l.Conns)
	}
	for _, r := range reqs {
		name += "/" + r.Method + r.Path
	}
	return name
}

// loadFile wraps one load run in a versioned results file.
func loadFile(addr string, reqs requestFlags, l *results.Load) *results.File {
	return &results.File{
		Version: results.Version, Env: environment(),
		Started: time.Now().Add(-time.Duration(l.Elapsed * float64(time.Second))), Finished: time.Now(),
		Scenarios: []results.Scenario{{Name: "load", Description: benchName(l, reqs),
			Runs: []results.Run{{Target: addr, Rep: 1, Load: l}}}},
	}
}
