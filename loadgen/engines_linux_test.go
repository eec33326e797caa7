package loadgen_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/corobench/corobench/loadgen"
	"github.com/corobench/corobench/results"
)

// platformEngines are the engines this system has besides the automatic
// choice, tested one by one.
var platformEngines = []loadgen.Engine{loadgen.EngineEpoll}

// The engine a closed loop ran on is in its result: uring when io_uring
// can be used here, else epoll; goroutines when asked.
func TestEngineRecorded(t *testing.T) {
	t.Parallel()
	addr := serveGoroutine(t)
	for engine, want := range map[loadgen.Engine][]string{
		loadgen.EngineAuto:       {"uring", "epoll"},
		loadgen.EngineEpoll:      {"epoll"},
		loadgen.EngineGoroutines: {"goroutines"},
	} {
		load := measured(t, func() (*results.Load, error) {
			return loadgen.Run(context.Background(), addr, loadgen.WithEngine(engine),
				loadgen.WithConns(2), loadgen.WithDuration(100*time.Millisecond))
		})
		assert.Contains(t, want, load.Engine, "engine %q", engine)
		assert.Positive(t, load.Requests)
		assert.Empty(t, load.Errors)
	}
}
