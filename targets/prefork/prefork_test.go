package prefork_test

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/internal/proctest"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/internal/spawn"
	"github.com/corobench/corobench/targets/internal/spawn/spawntest"
	"github.com/corobench/corobench/targets/prefork"
)

func TestMain(m *testing.M) {
	spawntest.MainByRole(func(r spawn.Role) func(context.Context, *targets.App, *os.File) error {
		if r == spawn.DatagramWorker {
			return prefork.ServeDatagramWorker
		}
		return prefork.ServeWorker
	})
	os.Exit(m.Run())
}

func newServer(workers int) *prefork.Server {
	return prefork.New(targets.Config{App: conformancetest.App("prefork"), Workers: workers, Self: spawntest.Self()})
}

func TestConformance(t *testing.T) {
	conformancetest.Run(t, conformancetest.Serve(t, newServer(2)), "prefork")
}

func TestShutdown(t *testing.T) {
	conformancetest.CheckShutdown(t, newServer(2))
	assert.Empty(t, children(t), "workers left after Serve returned")
}

// The workers are made at start; one that dies is replaced, and the server
// goes on answering.
func TestDeadWorkerIsReplaced(t *testing.T) {
	addr := conformancetest.Serve(t, newServer(3))
	replacesDeadWorker(t, 3, func() { conformancetest.Dial(t, addr).Close() })
}

// replacesDeadWorker kills one of the workers once ask has been answered,
// and checks that a new worker takes its place and that the server still
// answers, calling ask again.
func replacesDeadWorker(t *testing.T, workers int, ask func()) {
	t.Helper()
	ask()
	require.Eventually(t, func() bool { return len(children(t)) == workers }, time.Minute, 10*time.Millisecond)
	first := children(t)
	require.NoError(t, syscall.Kill(first[0].PID, syscall.SIGKILL))
	assert.Eventually(t, func() bool {
		kids := children(t)
		return len(kids) == workers && !contains(kids, first[0].PID)
	}, 10*time.Second, 10*time.Millisecond, "a new worker in place of %d", first[0].PID)
	for range 2 * workers {
		ask()
	}
}

// Each worker serves one connection at a time: with every worker holding
// one, the next waits.
func TestWorkersAreSequential(t *testing.T) {
	addr := conformancetest.Serve(t, newServer(1))
	first := conformancetest.Dial(t, addr)
	done := make(chan struct{})
	go func() {
		defer close(done)
		conformancetest.Dial(t, addr).Close()
	}()
	select {
	case <-done:
		t.Fatal("a second connection was served while the only worker held the first")
	case <-time.After(200 * time.Millisecond):
	}
	first.Close()
	<-done
}

func children(t *testing.T) []proctest.Proc {
	kids, err := proctest.Children(os.Getpid())
	require.NoError(t, err)
	return kids
}

func contains(kids []proctest.Proc, pid int) bool {
	for _, k := range kids {
		if k.PID == pid {
			return true
		}
	}
	return false
}
