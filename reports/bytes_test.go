package reports

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/results"
)

// A scenario that moves files (answers of 64 KiB and more on average) has
// its bytes per second in the throughput table, the median over the
// repetitions with their spread; one of small answers does not.
func TestThroughputTableGivesMiBPerSecond(t *testing.T) {
	t.Parallel()
	run := func(target string, rep int, requests, bytes int64) results.Run {
		return results.Run{Target: target, Rep: rep, Load: &results.Load{Mode: results.ModeClosed, Conns: 4,
			Elapsed: 2, Requests: requests, Bytes: bytes}}
	}
	const mib = 1 << 20
	f := &results.File{Scenarios: []results.Scenario{
		{Name: "files-transfer", Kind: results.KindThroughput, Runs: []results.Run{
			run("goroutine", 1, 100, 800*mib), run("goroutine", 2, 110, 880*mib), run("goroutine", 3, 90, 720*mib),
			run("thread", 1, 10, 80*mib),
		}},
		{Name: "files-static", Kind: results.KindThroughput, Runs: []results.Run{
			run("goroutine", 1, 10000, 10000*4200),
		}},
	}}
	a := analyze(f)
	require.Len(t, a.scenarios, 2)

	transfer := a.mainTable(a.scenarios[0])
	last := len(transfer.cols) - 1
	assert.Equal(t, "MiB/s (median)", transfer.cols[last].head)
	// goroutine: 360, 400 and 440 MiB/s; thread: 40 MiB/s.
	assert.Equal(t, "400 ±10%", tableRow(t, transfer, "goroutine")[last])
	assert.Equal(t, "40.0", tableRow(t, transfer, "thread")[last])
	assert.Contains(t, transfer.String(), "MiB/s")

	static := a.mainTable(a.scenarios[1])
	assert.False(t, strings.Contains(static.String(), "MiB/s"), "4 KiB pages: requests say it")
}
