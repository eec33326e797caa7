package loadgen_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/loadgen"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/goroutine"
)

// targetEnv makes the test binary serve the goroutine model on
// 127.0.0.1:0, print its address and wait: a target in its own process,
// which a test can stop with SIGSTOP.
const targetEnv = "LOADGEN_TEST_TARGET"

func TestMain(m *testing.M) {
	if os.Getenv(targetEnv) != "" {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			os.Exit(1)
		}
		fmt.Println(ln.Addr())
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		go func() { io.Copy(io.Discard, os.Stdin); cancel() }() // ends with its parent
		_ = goroutine.New(targets.Config{App: conformancetest.App("goroutine")}).Serve(ctx, ln)
		return
	}
	os.Exit(m.Run())
}

// stats asks a target how many requests it answered.
func stats(t *testing.T, addr string) int64 {
	resp, err := http.Get("http://" + addr + "/stats")
	require.NoError(t, err)
	defer resp.Body.Close()
	var n int64
	_, err = fmt.Fscanf(resp.Body, "requests %d", &n)
	require.NoError(t, err)
	return n
}

// The client's count agrees with the target's own.
func TestTruthCountsMatchTarget(t *testing.T) {
	t.Parallel()
	for _, opt := range []loadgen.Option{loadgen.WithPipeline(1), loadgen.WithPipeline(4), loadgen.WithRate(loadgen.ConstantRate(300))} {
		addr := serveGoroutine(t)
		load, err := loadgen.Run(context.Background(), addr, opt, loadgen.WithConns(4),
			loadgen.WithDuration(300*time.Millisecond), loadgen.WithTimeout(5*time.Second))
		require.NoError(t, err)
		require.Empty(t, load.Errors)
		got := stats(t, addr)
		// Requests cut off at the end may have been answered by the target.
		assert.GreaterOrEqual(t, got, load.Requests, "%s", load.Mode)
		assert.LessOrEqual(t, got, load.Requests+load.Unfinished, "%s", load.Mode)
	}
}

// At light load, /io?ms=10 takes 10 ms and a little. The bound is tight,
// so the test runs only when asked (make truth): on a busy machine the
// scheduler alone adds a millisecond.
func TestTruthIOLatency(t *testing.T) {
	t.Parallel()
	if os.Getenv("COROBENCH_TRUTH") == "" {
		t.Skip("set COROBENCH_TRUTH=1 (make truth) on a quiet machine")
	}
	addr := serveGoroutine(t)
	load, err := loadgen.Run(context.Background(), addr, loadgen.WithRate(loadgen.ConstantRate(50)), loadgen.WithConns(2),
		loadgen.WithDuration(time.Second), loadgen.WithRequests(loadgen.Request{Method: "GET", Path: "/io?ms=10", Weight: 1}))
	require.NoError(t, err)
	p50 := load.Latency.Quantile(0.5)
	assert.GreaterOrEqual(t, p50, 10*time.Millisecond)
	assert.LessOrEqual(t, p50, 11*time.Millisecond)
}

// A target stopped for a second shows in the corrected latency of an
// open-loop run: the requests due during the stall are answered (or
// reported) a second late.
func TestTruthStalledTarget(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("takes 3 s")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), targetEnv+"=1")
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGCONT)
		stdin.Close()
		cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	addr := strings.TrimSpace(line)

	go func() {
		time.Sleep(time.Second)
		cmd.Process.Signal(syscall.SIGSTOP)
		time.Sleep(time.Second)
		cmd.Process.Signal(syscall.SIGCONT)
	}()
	load, err := loadgen.Run(context.Background(), addr, loadgen.WithRate(loadgen.ConstantRate(200)),
		loadgen.WithConns(4), loadgen.WithMaxConns(8), loadgen.WithDuration(3*time.Second))
	require.NoError(t, err)
	t.Logf("corrected p99 %s, uncorrected p99 %s, requests %d, dropped %d, unfinished %d",
		load.Latency.Quantile(0.99), load.LatencyUncorrected.Quantile(0.99), load.Requests, load.Dropped, load.Unfinished)
	assert.Greater(t, load.Latency.Quantile(0.99), 500*time.Millisecond, "the stall shows")
	assert.Positive(t, load.Dropped, "requests due while every connection waited were dropped")
}
