package process_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/internal/proctest"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/internal/spawn"
	"github.com/corobench/corobench/targets/internal/spawn/spawntest"
	"github.com/corobench/corobench/targets/process"
)

func TestMain(m *testing.M) {
	spawntest.MainByRole(func(r spawn.Role) func(context.Context, *targets.App, *os.File) error {
		if r == spawn.Datagram {
			return process.ServeDatagramChild
		}
		return process.ServeChild
	})
	os.Exit(m.Run())
}

func newServer(maxConns int) *process.Server {
	return process.New(targets.Config{App: conformancetest.App("process"), MaxConns: maxConns, Self: spawntest.Self()})
}

// The conformance suite runs against the process model in cmd/corobench,
// with the real binary as the child: a child of this race-instrumented test
// binary takes most of a second to start.

func TestShutdown(t *testing.T) {
	conformancetest.CheckShutdown(t, newServer(0))
	assert.Empty(t, children(t), "children left after Serve returned")
}

// Child processes rise with open connections and fall back to none once
// they close; every one is reaped, none is left a zombie.
func TestProcessPerConnection(t *testing.T) {
	const conns = 8
	addr := conformancetest.Serve(t, newServer(0))
	var open []interface{ Close() error }
	for range conns {
		open = append(open, conformancetest.Dial(t, addr))
	}
	assert.Len(t, children(t), conns, "a child per open connection")
	for _, c := range open {
		c.Close()
	}
	assert.Eventually(t, func() bool { return len(children(t)) == 0 }, time.Minute, 10*time.Millisecond,
		"children, zombies included, after the connections closed")
}

// Connections beyond the cap wait in the backlog, and are served as
// children end.
func TestCapOnChildren(t *testing.T) {
	addr := conformancetest.Serve(t, newServer(2))
	a, b := conformancetest.Dial(t, addr), conformancetest.Dial(t, addr)
	done := make(chan struct{})
	go func() {
		defer close(done)
		conformancetest.Dial(t, addr).Close()
	}()
	select {
	case <-done:
		t.Fatal("a third connection was served while two children were live")
	case <-time.After(200 * time.Millisecond):
	}
	assert.Len(t, children(t), 2)
	a.Close()
	b.Close()
	<-done
}

func children(t *testing.T) []proctest.Proc {
	kids, err := proctest.Children(os.Getpid())
	require.NoError(t, err)
	return kids
}

// A start of the model's child is measured as Serve starts it, and leaves
// no child behind; a start of a program too.
func TestMeasureStarts(t *testing.T) {
	child, err := process.MeasureChild(spawntest.Self(), conformancetest.App("process"), 3)
	require.NoError(t, err)
	assert.Equal(t, 3, child.Runs)
	assert.Positive(t, child.Wall)
	assert.Positive(t, child.CPU)
	assert.Empty(t, children(t), "children left after measuring")

	exec, err := process.MeasureExec([]string{"/bin/true"}, 3)
	require.NoError(t, err)
	assert.Equal(t, 3, exec.Runs)
	assert.Positive(t, exec.Wall)

	_, err = process.MeasureExec([]string{"/nonexistent/program"}, 3)
	assert.Error(t, err)
	_, err = process.MeasureExec([]string{"/bin/true"}, 0)
	assert.Error(t, err)
}
