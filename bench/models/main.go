// Command models benchmarks corobench's models side by side, with a gnet v2
// server and a net/http server as peers: each target pinned to one CPU and
// the client (`corobench load`, and wrk when installed) to another, 50
// connections, requests per second and the target's CPU time per request;
// then the memory each model holds per idle connection with 10,000 open.
//
// Every run starts a fresh target process. Runs are interleaved — repetition
// by repetition, every target in turn — so that ratios between targets are
// measured side by side, and the table shows the median of the repetitions.
// Run it from the repository root with `make bench-models`, or:
//
//	go -C bench run ./models -bin ../bin/corobench
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// workload is one kind of request the targets are measured on.
type workload struct {
	name, path string
	peers      bool // the gnet and net/http peers answer it too
}

var workloads = []workload{
	{name: "health", path: "/health", peers: true},
	{name: "echo64", path: "/echo?size=64", peers: true},
	{name: "io-mix", path: "/mix?us=50&ms=5"}, // wait 5 ms, then 50 µs of CPU
}

// target is one server to measure: a corobench model or a peer binary.
type target struct {
	name string
	argv []string
	peer bool
}

type bench struct {
	bin       string
	targetCPU string
	clientCPU string
	conns     int
	duration  time.Duration
	warmup    time.Duration
	rate      string
	wrk       string // path of wrk, or ""
	tmp       string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "bench-models:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	var b bench
	flag.StringVar(&b.bin, "bin", "../bin/corobench", "the corobench binary (client and models)")
	modelsFlag := flag.String("models", "", "comma-separated models to run (default: every model of `corobench serve`)")
	peersFlag := flag.String("peers", "gnet,nethttp", "comma-separated peers to build and run (gnet, nethttp); empty for none")
	workFlag := flag.String("workloads", "health,echo64,io-mix", "comma-separated workloads")
	flag.StringVar(&b.targetCPU, "target-cpu", "0", "CPU list the target is pinned to (taskset)")
	flag.StringVar(&b.clientCPU, "client-cpu", "1", "CPU list the client is pinned to")
	flag.IntVar(&b.conns, "c", 50, "connections")
	flag.DurationVar(&b.duration, "d", 3*time.Second, "measured time of each run")
	flag.DurationVar(&b.warmup, "warmup", time.Second, "load before each measured run, not counted")
	reps := flag.Int("reps", 2, "repetitions, interleaved")
	flag.StringVar(&b.rate, "cpu-rate", "", "work units per µs (default: `corobench calibrate` once)")
	useWrk := flag.Bool("wrk", true, "also measure with wrk, when it is installed")
	idleConns := flag.Int("idle", 10000, "idle connections for the memory measurement (0: skip it)")
	idleFlag := flag.String("idle-models", "eventloop,reactors,coro,goroutine,goroutine-1,gnet", "targets whose idle memory is measured")
	flag.Parse()

	abs, err := filepath.Abs(b.bin)
	if err != nil {
		return err
	}
	b.bin = abs
	if b.tmp, err = os.MkdirTemp("", "bench-models"); err != nil {
		return err
	}
	defer os.RemoveAll(b.tmp)
	if *useWrk {
		b.wrk, _ = exec.LookPath("wrk")
	}
	if b.rate == "" {
		if b.rate, err = calibrate(b.bin); err != nil {
			return err
		}
	}
	names := split(*modelsFlag)
	if len(names) == 0 {
		if names, err = serveModels(b.bin); err != nil {
			return err
		}
	}
	var targets []target
	for _, name := range names {
		targets = append(targets, target{name: name, argv: []string{b.bin, "serve", "-model", name, "-cpu-rate", b.rate}})
	}
	for _, name := range split(*peersFlag) {
		path := filepath.Join(b.tmp, name)
		if out, err := exec.Command("go", "build", "-o", path, "./"+name).CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "bench-models: skipping peer %s: it does not build: %v\n%s", name, err, out)
			continue
		}
		targets = append(targets, target{name: name, argv: []string{path, "-cpu-rate", b.rate}, peer: true})
	}
	var works []workload
	for _, w := range workloads {
		for _, name := range split(*workFlag) {
			if w.name == name {
				works = append(works, w)
			}
		}
	}

	fmt.Printf("# corobench model benchmarks\n\n%s\n\n", b.describe(*reps, targets))
	rows := map[key][]sample{}
	for rep := range *reps {
		for _, w := range works {
			for _, t := range targets {
				if t.peer && !w.peers {
					continue
				}
				if ctx.Err() != nil {
					return ctx.Err()
				}
				s, err := b.measure(ctx, t, w)
				if err != nil {
					fmt.Fprintf(os.Stderr, "bench-models: %s %s (rep %d): %v\n", t.name, w.name, rep+1, err)
					continue
				}
				fmt.Fprintf(os.Stderr, "rep %d %-12s %-7s %s\n", rep+1, t.name, w.name, s)
				rows[key{t.name, w.name}] = append(rows[key{t.name, w.name}], s)
			}
		}
	}
	printThroughput(os.Stdout, targets, works, rows, b.wrk != "")
	printRatios(os.Stdout, works, rows)

	if *idleConns > 0 {
		var idle []idleResult
		for _, name := range split(*idleFlag) {
			for _, t := range targets {
				if t.name != name {
					continue
				}
				r, err := b.measureIdle(t, *idleConns)
				if err != nil {
					fmt.Fprintf(os.Stderr, "bench-models: idle %s: %v\n", t.name, err)
					continue
				}
				idle = append(idle, r)
			}
		}
		printIdle(os.Stdout, idle)
	}
	return nil
}

func (b *bench) describe(reps int, targets []target) string {
	var names []string
	for _, t := range targets {
		names = append(names, t.name)
	}
	client := "`corobench load`"
	if b.wrk != "" {
		client += " and wrk"
	}
	return fmt.Sprintf("Targets %s, each a fresh process pinned to CPU %s; client %s pinned to CPU %s; "+
		"%d connections, %v warm-up then %v measured; %d interleaved repetitions, median shown; cpu-rate %s units/µs.",
		strings.Join(names, ", "), b.targetCPU, client, b.clientCPU, b.conns, b.warmup, b.duration, reps, b.rate)
}

// serveModels reads the list of models from `corobench models -json`.
func serveModels(bin string) ([]string, error) {
	out, err := exec.Command(bin, "models", "-json").Output()
	if err != nil {
		return nil, fmt.Errorf("corobench models -json: %w; build it first (make build)", err)
	}
	var list []struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(out, &list); err != nil {
		return nil, fmt.Errorf("corobench models -json: %w", err)
	}
	var names []string
	for _, m := range list {
		names = append(names, m.Name)
	}
	return names, nil
}

func calibrate(bin string) (string, error) {
	out, err := exec.Command(bin, "calibrate").Output()
	if err != nil {
		return "", fmt.Errorf("corobench calibrate: %w", err)
	}
	m := regexp.MustCompile(`[0-9]+(\.[0-9]+)?`).Find(out)
	if m == nil {
		return "", fmt.Errorf("corobench calibrate said %q", out)
	}
	return string(m), nil
}

func split(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
