package main

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/harness"
	"github.com/corobench/corobench/internal/procstat"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
)

// Every model, as the process the harness runs, bounds what a client that
// never reads its answers costs, keeps answering others while one pipelines
// large answers or CPU work, and stops within its grace whatever its
// clients do.
func TestEveryModelBoundsHostileClients(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("memory comes from /proc")
	}
	if testing.Short() {
		t.Skip("attacks each model for seconds")
	}
	// One model at a time: the suite times other clients' answers, which
	// a crowd of attacked models on a small machine would slow for reasons
	// of their own (and the attacks would slow the other packages' tests).
	turns := make(chan struct{}, 1)
	for _, name := range sortedModels() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			turns <- struct{}{}
			defer func() { <-turns }()
			probe := startModel(t, name)
			slots := probe.Ready.Parallelism.Slots
			probe.Kill()
			conformancetest.RunBackpressure(t, conformancetest.Backpressure{
				Start: func(t *testing.T) conformancetest.Attacked {
					tgt := startModel(t, name)
					return conformancetest.Attacked{Addr: tgt.Ready.Addr, Memory: treePSS(tgt.PID()), Stop: stopper(t, tgt)}
				},
				Slots: slots,
				Grace: targets.DefaultShutdownGrace,
			})
		})
	}
}

// stopper stops tgt, and fails only when it had to be killed: a target
// that exits in time but not cleanly (serve's own deadline past its grace,
// on a loaded machine) is logged. Each model's package checks in process
// that the model closes stuck connections by itself.
func stopper(t *testing.T, tgt *harness.Target) func(time.Duration) error {
	return func(timeout time.Duration) error {
		err := tgt.Stop(timeout)
		if err != nil && !errors.Is(err, harness.ErrKilled) {
			t.Logf("exited in time, not cleanly: %v", err)
			return nil
		}
		return err
	}
}

// treePSS measures the PSS of the process tree rooted at pid.
func treePSS(pid int) func(t *testing.T) int64 {
	return func(t *testing.T) int64 {
		tr, err := procstat.ReadTree(pid)
		require.NoError(t, err)
		return tr.PSS
	}
}

// serve exits no later than a margin past the grace of a server that does
// not return, and says why.
func TestServeExitsAfterTheGrace(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error)
	cancel()
	start := time.Now()
	err := untilStopped(ctx, served, 10*time.Millisecond)
	assert.ErrorContains(t, err, "still busy")
	assert.GreaterOrEqual(t, time.Since(start), stopMargin)

	done := make(chan error, 1)
	done <- nil
	assert.NoError(t, untilStopped(context.Background(), done, time.Hour))
}
