package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/corobench/corobench/files"
	"github.com/corobench/corobench/harness"
	"github.com/corobench/corobench/internal/affinity"
	"github.com/corobench/corobench/internal/bound"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/work"
)

func serveCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	name := fs.String("model", "goroutine", "the concurrency model: "+modelNames())
	addr := fs.String("addr", "127.0.0.1:0", "address to listen on (port 0 picks a free port)")
	network := fs.String("net", string(targets.TCP), "the transport: tcp (HTTP/1.1) or udp (a request per datagram; the models that serve it: "+datagramModels()+")")
	service := fs.String("service", serviceHTTP, "what to serve: http (the HTTP/1.1 protocol, or its datagram form) or chat (the chat room of docs/chat.md; the models that serve it: "+chatModels()+")")
	chatOpts := chatFlags(fs)
	rate := fs.Float64("cpu-rate", 0, "work units per µs for /cpu?us=N (0: calibrate at start)")
	cpus := fs.String("cpus", "", "pin the server to these CPUs, e.g. 0 or 0-3")
	workers := fs.Int("workers", 0, knobHelp("workers made at start", func(m targets.Model) string { return m.Workers }))
	maxConns := fs.Int("max-conns", 0, knobHelp("cap on live connections", func(m targets.Model) string { return m.MaxConns }))
	root := fs.String("root", "", "serve /files/ and /disk from this directory (none: they answer 404)")
	maxUpload := fs.Int64("max-upload", files.DefaultMaxUpload, "largest upload to /files/ in bytes")
	maxOpen := fs.Int("max-open", files.DefaultMaxOpen, "files open at once in each process; more are refused 503")
	fileThreads := fs.Int("file-threads", 0, "eventloop, reactors: threads per loop to run file IO on (/disk, downloads, uploads), as libuv's thread pool (0: inline, stalling the loop)")
	datagramBatch := fs.Int("datagram-batch", 0, "eventloop, reactors, coro over udp: datagrams per recvmmsg and sendmmsg (0: 64; 1: no batching, a recvmsg and a sendmsg each)")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *datagramBatch < 0 || *datagramBatch > targets.MaxDatagramBatch {
		return fmt.Errorf("%w: -datagram-batch %d: want 0 to %d", errUsage, *datagramBatch, targets.MaxDatagramBatch)
	}
	m, ok := findModel(*name)
	if !ok {
		return fmt.Errorf("%w: unknown model %q; the models are %s", errUsage, *name, modelNames())
	}
	if *service != serviceHTTP && *service != serviceChat {
		return fmt.Errorf("%w: -service %q: want http or chat", errUsage, *service)
	}
	pin, err := affinity.Parse(*cpus)
	if err != nil {
		return fmt.Errorf("%w: -cpus: %v", errUsage, err)
	}
	if err := affinity.Restrict(pin); err != nil {
		return err
	}
	if *rate <= 0 && *service == serviceHTTP { // the chat room does no work
		*rate = float64(work.Calibrate(work.DefaultCalibration))
	}
	app := targets.NewApp(*name, work.Rate(*rate))
	if *root != "" {
		var err error
		if app.Files, err = files.Open(*root, files.WithMaxUpload(*maxUpload), files.WithMaxOpen(*maxOpen)); err != nil {
			return fmt.Errorf("%w: -root: %v", errUsage, err)
		}
		defer app.Files.Close()
	}
	cfg := targets.Config{
		App:           app,
		Workers:       *workers,
		MaxConns:      *maxConns,
		FileThreads:   *fileThreads,
		DatagramBatch: *datagramBatch,
	}
	cfg.Chat = *chatOpts
	var warnings []string
	if m.Children {
		self, warning, err := selfArgs()
		if err != nil {
			return err
		}
		if warning != "" {
			fmt.Fprintf(stderr, "corobench: warning: %s\n", warning)
			warnings = append(warnings, warning)
		}
		cfg.Self = self
	}
	if procs := m.GOMAXPROCS(cfg); procs > 0 {
		runtime.GOMAXPROCS(procs)
	} else {
		runtime.SetDefaultGOMAXPROCS() // the CPUs it may use now that it is pinned
	}
	open := listen
	if *service == serviceChat {
		open = listenChat
	}
	lis, err := open(*network, *addr, m, cfg)
	if err != nil {
		return err
	}
	defer lis.close()
	if !loopback(lis.addr) {
		fmt.Fprintf(stderr, "corobench: warning: %s listens on %s, which is reachable from other machines\n", *name, lis.addr)
	}
	served := make(chan error, 1)
	go func() { served <- lis.serve(ctx) }()
	if r, ok := lis.srv.(targets.Readier); ok {
		select {
		case <-r.Ready():
		case err := <-served:
			return err
		}
	}
	p := lis.srv.Parallelism()
	line := harness.Ready{
		Model: *name, Net: *network, Addr: lis.addr.String(), PID: os.Getpid(), GOMAXPROCS: runtime.GOMAXPROCS(0),
		Parallelism: &bound.Model{Slots: p.Slots, CPU: p.CPU}, Analogue: m.Analogue, Textbook: m.Textbook,
		Warnings: warnings,
	}
	if *service != serviceHTTP {
		line.Service = *service
	}
	ready, _ := json.Marshal(line)
	fmt.Fprintf(stdout, "%s\n", ready)
	return untilStopped(ctx, served, cfg.App.ShutdownGrace)
}

// stopMargin is how long past its grace a stopping server may take to
// return (closing what the grace left, a scheduler with much to run) before
// serve exits without it.
const stopMargin = time.Second

// untilStopped waits for a server's Serve to return, and once ctx has ended,
// no longer than its grace and stopMargin: a model whose connections are
// still busy then (a thread asleep in a long wait, say) does not keep the
// process from exiting, but the exit says so.
func untilStopped(ctx context.Context, served <-chan error, grace time.Duration) error {
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	t := time.NewTimer(grace + stopMargin)
	defer t.Stop()
	select {
	case err := <-served:
		return err
	case <-t.C:
		return fmt.Errorf("serve: connections still busy %v after the end of the %v grace; exiting without them", stopMargin, grace)
	}
}
