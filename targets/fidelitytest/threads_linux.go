package fidelitytest

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Bounds of DiskThreadsRise.
const (
	// DiskJobs is how many blocking disk jobs a round runs at once: more
	// than the idle threads a process keeps from its start, which the
	// runtime hands the processor to before it makes a new one.
	DiskJobs = 16
	// diskRounds bounds the rounds. The runtime hands a processor over
	// only when its monitor, which sleeps up to 10 ms when idle, finds a
	// thread still blocked, so a round of short jobs on a fast disk may
	// see no hand-off; a runtime that never hands over fails after these.
	diskRounds = 40
)

// DiskThreadsRise checks that the target at addr, process pid, runs
// blocking file IO the way Go's runtime runs a goroutine blocked in a
// system call: its thread blocks, and the runtime hands the goroutines'
// processor to another OS thread, made if need be. It fires rounds of
// DiskJobs /disk jobs that fsync (each blocks its thread in write and
// fsync) until the process has more OS threads than before, and fails if
// it never does. It returns the threads before and after.
func DiskThreadsRise(t *testing.T, addr string, pid int) (before, after int) {
	t.Helper()
	before = osThreads(t, pid)
	for range diskRounds {
		var wg sync.WaitGroup
		for range DiskJobs {
			wg.Go(func() {
				_, status := Get(t, addr, "/disk?kb=2048&sync=1")
				assert.Equal(t, 200, status, "a disk job")
			})
		}
		wg.Wait()
		if after = osThreads(t, pid); after > before {
			return before, after
		}
	}
	assert.Greater(t, after, before, "OS threads after %d rounds of %d blocking disk jobs", diskRounds, DiskJobs)
	return before, after
}

// osThreads is the number of OS threads of process pid.
func osThreads(t *testing.T, pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	require.NoError(t, err)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Threads:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			require.NoError(t, err)
			return n
		}
	}
	require.Fail(t, "no Threads line in /proc/PID/status")
	return 0
}
