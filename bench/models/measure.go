package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/corobench/corobench/harness"
	"github.com/corobench/corobench/results"
)

type key struct{ target, workload string }

// sample is one measured run of one target on one workload.
type sample struct {
	rps, cpuUs       float64 // corobench load: req/s, target CPU µs per request
	wrkRPS, wrkCPUUs float64 // the same with wrk, when it ran
	errors           int64
	warnings         []string
	threads          int
	gomaxprocs       int
}

func (s sample) String() string {
	out := fmt.Sprintf("load %8.0f req/s %6.1f µs/req", s.rps, s.cpuUs)
	if s.wrkRPS > 0 {
		out += fmt.Sprintf("   wrk %8.0f req/s %6.1f µs/req", s.wrkRPS, s.wrkCPUUs)
	}
	if s.errors > 0 {
		out += fmt.Sprintf("   %d errors", s.errors)
	}
	for _, w := range s.warnings {
		out += "   warning: " + w
	}
	return out
}

// start runs a target pinned to the target CPU and waits for its ready line.
func (b *bench) start(t target) (*harness.Target, error) {
	argv := append([]string{"taskset", "-c", b.targetCPU}, t.argv...)
	return harness.Start(context.Background(), argv, 10*time.Second)
}

// measure runs one target on one workload: warm-up, then the measured
// corobench load, then wrk, with the target's CPU time read around each.
func (b *bench) measure(ctx context.Context, t target, w workload) (sample, error) {
	tg, err := b.start(t)
	if err != nil {
		return sample{}, err
	}
	defer tg.Stop(5 * time.Second)
	url := "http://" + tg.Ready.Addr + w.path
	pid := tg.Ready.PID
	s := sample{gomaxprocs: tg.Ready.GOMAXPROCS}

	if _, err := b.load(ctx, url, b.warmup); err != nil {
		return s, fmt.Errorf("warm-up: %w", err)
	}
	before, err := cpuSeconds(pid)
	if err != nil {
		return s, err
	}
	l, err := b.load(ctx, url, b.duration)
	if err != nil {
		return s, err
	}
	after, err := cpuSeconds(pid)
	if err != nil {
		return s, err
	}
	s.threads = threadsOf(pid)
	s.rps = l.Throughput()
	if l.Requests > 0 {
		s.cpuUs = (after - before) / float64(l.Requests) * 1e6
	}
	s.errors = l.ErrorCount()
	s.warnings = l.Warnings

	if b.wrk != "" && w.peers {
		before, _ = cpuSeconds(pid)
		rps, secs, err := b.runWrk(ctx, url)
		after, _ = cpuSeconds(pid)
		if err != nil {
			s.warnings = append(s.warnings, "wrk: "+err.Error())
		} else if rps > 0 {
			s.wrkRPS = rps
			s.wrkCPUUs = (after - before) / (rps * secs) * 1e6
		}
	}
	if exited, _ := tg.Exited(); exited {
		return s, fmt.Errorf("the target died during the run")
	}
	return s, nil
}

// load runs `corobench load` pinned to the client CPU.
func (b *bench) load(ctx context.Context, url string, d time.Duration) (*results.Load, error) {
	out := filepath.Join(b.tmp, "load.json")
	cmd := exec.CommandContext(ctx, b.bin, "load", "-cpus", b.clientCPU, "-c", strconv.Itoa(b.conns),
		"-d", d.String(), "-json", out, url)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = nil, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("corobench load: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	f, err := results.ReadFile(out)
	if err != nil {
		return nil, fmt.Errorf("corobench load -json: %w", err)
	}
	if len(f.Scenarios) != 1 || len(f.Scenarios[0].Runs) != 1 || f.Scenarios[0].Runs[0].Load == nil {
		return nil, fmt.Errorf("corobench load -json: %s holds no single run", out)
	}
	return f.Scenarios[0].Runs[0].Load, nil
}

var (
	wrkRPS    = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkErrors = regexp.MustCompile(`(Socket errors|Non-2xx)[^\n]*`)
)

// runWrk runs wrk with one thread, pinned to the client CPU, for the
// measured duration.
func (b *bench) runWrk(ctx context.Context, url string) (rps, secs float64, err error) {
	whole := max(int(b.duration.Round(time.Second)/time.Second), 1)
	secs = float64(whole)
	out, err := exec.CommandContext(ctx, "taskset", "-c", b.clientCPU, b.wrk, "-t1",
		"-c"+strconv.Itoa(b.conns), "-d"+strconv.Itoa(whole)+"s", url).CombinedOutput()
	if err != nil {
		return 0, 0, fmt.Errorf("%w: %s", err, out)
	}
	if m := wrkErrors.Find(out); m != nil {
		return 0, 0, fmt.Errorf("%s", bytes.TrimSpace(m))
	}
	m := wrkRPS.FindSubmatch(out)
	if m == nil {
		return 0, 0, fmt.Errorf("no Requests/sec in %q", out)
	}
	rps, err = strconv.ParseFloat(string(m[1]), 64)
	return rps, secs, err
}
