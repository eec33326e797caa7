package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"

	"github.com/corobench/corobench/internal/affinity"
	"github.com/corobench/corobench/loadgen"
	"github.com/corobench/corobench/reports"
	"github.com/corobench/corobench/results"
)

// requestFlags collects repeated -r flags.
type requestFlags []loadgen.Request

func (r *requestFlags) String() string { return fmt.Sprint(len(*r), " requests") }

func (r *requestFlags) Set(s string) error {
	req, err := loadgen.ParseRequest(s)
	if err != nil {
		return err
	}
	*r = append(*r, req)
	return nil
}

func loadCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	conns := fs.Int("c", loadgen.DefaultConns, "connections, each with one request in flight")
	duration := fs.Duration("d", loadgen.DefaultDuration, "how long to measure, after the warm-up")
	warmup := fs.Duration("warmup", 0, "load sent before measuring starts, not counted")
	timeout := fs.Duration("timeout", loadgen.DefaultTimeout, "bound on connecting and on each request")
	cpus := fs.String("cpus", "", "pin the load generator to these CPUs, e.g. 1")
	jsonOut := fs.String("json", "", "also write the full results (with HDR histograms) to this file")
	var reqs requestFlags
	fs.Var(&reqs, "r", "a request of the mix, '[WEIGHT] [METHOD] /PATH' (repeatable; default: the URL's path)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: corobench load [flags] URL")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: load takes one URL, such as http://127.0.0.1:8080/health", errUsage)
	}
	addr, path, err := splitURL(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if len(reqs) == 0 {
		reqs = requestFlags{{Method: "GET", Path: path, Weight: 1}}
	}
	pin, err := affinity.Parse(*cpus)
	if err != nil {
		return fmt.Errorf("%w: -cpus: %v", errUsage, err)
	}
	if err := affinity.PinSelf(pin); err != nil {
		return err
	}
	load, err := loadgen.Run(ctx, addr,
		loadgen.WithConns(*conns), loadgen.WithDuration(*duration), loadgen.WithWarmup(*warmup),
		loadgen.WithTimeout(*timeout), loadgen.WithRequests(reqs...))
	if err != nil {
		return err
	}
	if *jsonOut != "" {
		if err := results.WriteFile(*jsonOut, load); err != nil {
			return err
		}
	}
	return reports.LoadSummary(stdout, addr, load)
}

// splitURL takes http://host:port/path?query apart.
func splitURL(raw string) (addr, path string, err error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return "", "", fmt.Errorf("want a URL such as http://127.0.0.1:8080/health, not %q", raw)
	}
	addr = u.Host
	if _, _, err := net.SplitHostPort(addr); err != nil {
		addr = net.JoinHostPort(strings.Trim(u.Host, "[]"), "80")
	}
	path = u.RequestURI()
	return addr, path, nil
}
