package main

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/harness"
	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/fidelitytest"
)

// Every model serves files from the root it is given (serve -root), as the
// process the harness runs: the file suite, bad names and all.
func TestEveryModelServesFiles(t *testing.T) {
	for _, name := range sortedModels() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			tgt, err := harness.Start(context.Background(),
				[]string{binary, "serve", "-model", name, "-cpu-rate", "500", "-root", root}, 10*time.Second)
			require.NoError(t, err)
			t.Cleanup(func() { tgt.Kill() })
			conformancetest.RunFiles(t, tgt.Ready.Addr, name, root)
			assert.NoError(t, tgt.Stop(5*time.Second), "clean exit on SIGTERM")
		})
	}
}

// Every model answers a full disk (a file size limit) with 507 over HTTP,
// removes the partial upload, and goes on serving; so do the event loops
// that run /disk on their file threads.
func TestEveryModelAnswersFullDisk(t *testing.T) {
	runs := map[string][]string{"eventloop -file-threads 2": {"-model", "eventloop", "-file-threads", "2"},
		"reactors -file-threads 2": {"-model", "reactors", "-file-threads", "2"}}
	for _, name := range sortedModels() {
		runs[name] = []string{"-model", name}
	}
	for name, args := range runs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			argv := append(append([]string{binary, "serve"}, args...), "-cpu-rate", "500", "-root", root)
			tgt, err := harness.Start(context.Background(), argv, 10*time.Second)
			require.NoError(t, err)
			t.Cleanup(func() { tgt.Kill() })
			conformancetest.LimitFileSize(t, tgt.Ready.PID, conformancetest.FullDiskLimit)
			conformancetest.RunFullDisk(t, tgt.Ready.Addr, root)
			assert.NoError(t, tgt.Stop(5*time.Second), "clean exit on SIGTERM")
		})
	}
}

// goroutine-1 runs Go code on one thread (GOMAXPROCS=1), yet blocking file
// IO makes the runtime hand that one processor to more OS threads: the
// process's threads rise under blocking /disk jobs while GOMAXPROCS stays
// 1, as the goroutine models' page says.
func TestGoroutine1ThreadsRiseUnderDisk(t *testing.T) {
	t.Parallel()
	tgt, err := harness.Start(context.Background(),
		[]string{binary, "serve", "-model", "goroutine-1", "-cpu-rate", "500", "-root", t.TempDir()}, 10*time.Second)
	require.NoError(t, err)
	t.Cleanup(func() { tgt.Kill() })
	require.Equal(t, 1, tgt.Ready.GOMAXPROCS, "goroutine-1's GOMAXPROCS")
	before, after := fidelitytest.DiskThreadsRise(t, tgt.Ready.Addr, tgt.Ready.PID)
	t.Logf("OS threads: %d before, %d after blocking disk jobs, GOMAXPROCS 1", before, after)
	assert.NoError(t, tgt.Stop(5*time.Second), "clean exit on SIGTERM")
}
