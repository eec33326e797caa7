package main

import (
	"bytes"
	"cmp"
	"context"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/harness"
	"github.com/corobench/corobench/internal/bound"
	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
)

// datagramModels lists the models that serve datagrams, sorted.
func sortedDatagramModels() []string {
	var names []string
	for _, m := range models() {
		if m.Serves(targets.UDP) {
			names = append(names, m.Name)
		}
	}
	slices.Sort(names)
	return names
}

// startDatagramModel runs `corobench serve -model NAME -net udp` and stops it
// when the test ends.
func startDatagramModel(t *testing.T, name string, args ...string) *harness.Target {
	t.Helper()
	argv := append([]string{binary, "serve", "-model", name, "-net", "udp", "-cpu-rate", "500"}, args...)
	tgt, err := harness.Start(context.Background(), argv, 10*time.Second)
	require.NoError(t, err)
	t.Cleanup(func() { tgt.Kill() })
	return tgt
}

// onlyOneWorker is serve's flags for prefork to have one worker.
func onlyOneWorker(name string) []string {
	if name == "prefork" {
		return []string{"-workers", "1"}
	}
	return nil
}

// Every model that serves datagrams passes the datagram conformance suite
// as the process the harness runs, and its ready line says udp.
func TestEveryDatagramModelConforms(t *testing.T) {
	for _, name := range sortedDatagramModels() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// One prefork worker: each worker answers /stats with its own
			// counts, and the suite checks that they count its drops.
			tgt := startDatagramModel(t, name, onlyOneWorker(name)...)
			assert.Equal(t, name, tgt.Ready.Model)
			assert.Equal(t, "udp", tgt.Ready.Net)
			conformancetest.RunDatagrams(t, tgt.Ready.Addr, name)
			assert.NoError(t, tgt.Stop(5*time.Second), "clean exit on SIGTERM")
		})
	}
}

// Every datagram model survives the datagram bad-input suite and leaks
// nothing: a second round leaves the fds, threads and child processes of
// the first (and no zombies).
func TestEveryDatagramModelSurvivesHostileInput(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("counts come from /proc")
	}
	for _, name := range sortedDatagramModels() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tgt := startDatagramModel(t, name)
			// A model that starts a thread per datagram leaves the Go
			// runtime as many idle threads as its bursts woke, at most
			// about one per P, and not the same after every round; a
			// leaked thread per datagram of the flood would be thousands.
			slack := 10
			if name == "thread" {
				slack += tgt.Ready.GOMAXPROCS
			}
			leaksNothingBut(t, tgt, slack, func() { conformancetest.RunDatagramHostile(t, tgt.Ready.Addr, name) })
		})
	}
}

// Each datagram model's ready line gives the parallelism of its datagram
// server, under the GOMAXPROCS its entry says.
func TestReadyLineOfDatagramModels(t *testing.T) {
	cpus := runtime.GOMAXPROCS(0)
	for _, m := range models() {
		if !m.Serves(targets.UDP) {
			continue
		}
		want := cmp.Or(m.GOMAXPROCS(targets.Config{}), cpus)
		t.Run(m.Name, func(t *testing.T) {
			t.Parallel()
			tgt := startDatagramModel(t, m.Name)
			assert.Equal(t, want, tgt.Ready.GOMAXPROCS)
			require.NotNil(t, tgt.Ready.Parallelism)
			p := wantDatagramParallelism(m.Name, targets.Config{}, want, cpus)
			assert.Equal(t, bound.Model{Slots: p.Slots, CPU: p.CPU}, *tgt.Ready.Parallelism)
		})
	}
}

// SIGTERM lets a datagram request in flight be answered before the target
// exits.
func TestDatagramServeFinishesInFlightOnSIGTERM(t *testing.T) {
	for _, name := range sortedDatagramModels() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tgt := startDatagramModel(t, name)
			conn := conformancetest.DialDatagrams(t, tgt.Ready.Addr)
			_, err := conn.Write(protocol.AppendDatagramRequest(nil, 1, "/io?ms=300", nil))
			require.NoError(t, err)
			time.Sleep(100 * time.Millisecond)
			require.NoError(t, tgt.Stop(5*time.Second))
			require.NoError(t, conn.SetReadDeadline(time.Now().Add(time.Second)))
			buf := make([]byte, 512)
			n, err := conn.Read(buf)
			require.NoError(t, err, "the request in flight is answered")
			var a protocol.DatagramAnswer
			require.NoError(t, protocol.ParseDatagramAnswer(buf[:n], &a))
			assert.Equal(t, 200, a.Status)
		})
	}
}

// A model that does not serve datagrams says so.
func TestServeRefusesATransport(t *testing.T) {
	t.Parallel()
	for _, m := range models() {
		if m.Serves(targets.UDP) {
			continue
		}
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), []string{"serve", "-model", m.Name, "-net", "udp", "-cpu-rate", "500"}, nil, &stdout, &stderr)
		require.Error(t, err, m.Name)
		assert.Equal(t, exitUsage, exitCode(err, &stderr), m.Name)
		assert.Contains(t, err.Error(), "does not serve udp")
	}
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"serve", "-model", "loop", "-net", "sctp", "-cpu-rate", "500"}, nil, &stdout, &stderr)
	assert.Equal(t, exitUsage, exitCode(err, &stderr))
}

// corobench load speaks datagrams to a udp:// URL.
func TestLoadDatagrams(t *testing.T) {
	t.Parallel()
	tgt := startDatagramModel(t, "loop")
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"load", "-q", "-c", "3", "-d", "300ms", "udp://" + tgt.Ready.Addr + "/cpu?us=10"},
		nil, &stdout, &stderr), stderr.String())
	assert.Contains(t, stdout.String(), "closed load on "+tgt.Ready.Addr)
	assert.Contains(t, stdout.String(), "errors     none")
	assert.Contains(t, stdout.String(), "3 of 3 clients served")
	for _, bad := range []string{"udp://127.0.0.1/health", "udp:///health"} {
		err := run(context.Background(), []string{"load", "-q", "-d", "100ms", bad}, nil, &stdout, &stderr)
		assert.Equal(t, exitUsage, exitCode(err, &stderr), bad)
	}
}

// serve -datagram-batch 1 turns the event loops' batching off; they still
// answer, and a batch out of bounds is a usage error.
func TestServeDatagramBatch(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"eventloop", "reactors", "coro"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tgt, err := harness.Start(context.Background(), []string{binary, "serve", "-model", name, "-net", "udp",
				"-datagram-batch", "1", "-cpu-rate", "500"}, 10*time.Second)
			require.NoError(t, err)
			t.Cleanup(func() { tgt.Kill() })
			a := conformancetest.AskDatagram(t, tgt.Ready.Addr, "/cpu?n=7", time.Second)
			assert.Equal(t, 200, a.Status)
			assert.NoError(t, tgt.Stop(5*time.Second))
		})
	}
	for _, bad := range []string{"-1", "1025"} {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), []string{"serve", "-model", "eventloop", "-net", "udp", "-datagram-batch", bad, "-cpu-rate", "500"}, nil, &stdout, &stderr)
		assert.Equal(t, exitUsage, exitCode(err, &stderr), bad)
	}
}
