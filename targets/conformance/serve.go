package conformance

import (
	"context"
	"net"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/work"
)

// TestRate is the work rate of in-process test targets: a fixed value, so
// tests need no calibration.
const TestRate = work.Rate(500)

// App returns the App of an in-process test target.
func App(model string) *targets.App { return targets.NewApp(model, TestRate) }

// Serve runs srv in this process on 127.0.0.1:0 until the test ends, and
// returns its address. At the end of the test it stops the server and checks
// that Serve returned cleanly.
func Serve(t *testing.T, srv targets.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done, "Serve after the context ended")
	})
	return ln.Addr().String()
}
