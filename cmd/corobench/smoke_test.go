package main

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/harness"
	"github.com/corobench/corobench/results"
)

// smokeIO is the smoke's scenario: 20 connections, each request waits
// 50 ms. Little's law bounds a model that overlaps P waits at
// min(20, P)/50ms: 20 req/s for loop, 400 for goroutine. The load is light
// on purpose: at 400 req/s the CPU a request costs is a few percent of a
// core, so the bound is set by the wait even when other jobs share the
// cores. (The io-bound scenario's 5000 req/s needs enough CPU that a shared
// machine reached only 65% of it.)
const smokeIO = `
name: smoke-io
targets: [loop, goroutine]
load: {connections: 20, duration: 3s, warmup: 500ms}
requests:
  - path: /io?ms=50
repetitions: 3
`

// TestSmoke runs a short suite on the real binary and checks only what
// cannot flake on a noisy, shared 2-core machine: bounds and ratios, never
// absolute times. Noise can only slow a run down, so a measured value above
// its bound is a measurement bug; how far below it a run falls is the
// machine's, and only logged. It runs only with COROBENCH_SMOKE=1
// (.ci/run sets it), in about 25 seconds.
func TestSmoke(t *testing.T) {
	if os.Getenv("COROBENCH_SMOKE") != "1" {
		t.Skip("set COROBENCH_SMOKE=1 to run the smoke suite")
	}
	s, err := harness.Parse("smoke-io.yaml", []byte(smokeIO))
	require.NoError(t, err)
	r := &harness.Runner{Binary: binary, Rate: 500}
	out := r.Run(context.Background(), s)
	require.Len(t, out, 1)

	byTarget := map[string][]results.Run{}
	for _, run := range out[0].Runs {
		byTarget[run.Target] = append(byTarget[run.Target], run)
	}
	const (
		wait     = 0.050 // s
		conns    = 20
		duration = 3.0 // s
		// A measured window of T seconds may hold a request more than T/wait.
		slack = 1 + 2*wait/duration
	)
	bound := map[string]float64{"loop": 1 / wait, "goroutine": conns / wait}
	best := map[string]float64{}
	passed, failed := 0, 0
	check := func(ok bool, format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		if ok {
			passed++
			t.Logf("ok   %s", msg)
			return
		}
		failed++
		t.Errorf("FAIL %s", msg)
	}
	for _, spec := range s.Targets {
		target := spec.Name
		runs := byTarget[target]
		check(len(runs) == s.Repetitions, "%s: %d of %d runs", target, len(runs), s.Repetitions)
		for _, run := range runs {
			if run.Load == nil {
				check(false, "%s rep %d: no load measured: %s", target, run.Rep, run.Error)
				continue
			}
			tput := run.Load.Throughput()
			best[target] = max(best[target], tput)
			check(tput <= bound[target]*slack, "%s rep %d: %.0f req/s ≤ its bound %.0f", target, run.Rep, tput, bound[target])
		}
	}
	// How near a model comes to its bound is a time: the machine's load
	// decides it (77% on a busy 2-core machine), so it is told, not
	// checked. The ratio below is measured under the same load on both.
	t.Logf("goroutine's best: %.0f%% of its bound (%.0f of %.0f req/s)",
		100*best["goroutine"]/bound["goroutine"], best["goroutine"], bound["goroutine"])
	check(best["goroutine"] >= 10*best["loop"],
		"goroutine overlaps waits: ≥ 10× loop (bound ratio 20×): %.0f vs %.0f req/s", best["goroutine"], best["loop"])
	for _, run := range byTarget["goroutine"] {
		if run.Load != nil {
			check(run.Load.ErrorCount() == 0, "goroutine rep %d: no errors (%d)", run.Rep, run.Load.ErrorCount())
		}
	}
	verdict := "PASS"
	if failed > 0 {
		verdict = "FAIL"
	}
	fmt.Printf("smoke: %s: %d passed, %d failed\n", verdict, passed, failed)
}
