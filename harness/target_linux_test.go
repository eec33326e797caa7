package harness

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/internal/proctest"
)

// A check whose command leaves something running that holds its output
// returns soon after the command exits, and what it left is killed.
func TestCheckDoesNotWaitForWhatItStarted(t *testing.T) {
	t.Parallel()
	pidFile := filepath.Join(t.TempDir(), "pid")
	start := time.Now()
	err := check(context.Background(), []string{"sh", "-c", "sleep 30 & echo $! > " + pidFile + "; exit 0"})
	assert.NoError(t, err)
	assert.Less(t, time.Since(start), CheckTimeout, "returned before the check's deadline")
	assertKilled(t, pidFile, "the sleep the check left")
}

// A target that exits before it is ready takes its process group with it.
func TestTargetExitingBeforeReadyLeavesNothing(t *testing.T) {
	t.Parallel()
	pidFile := filepath.Join(t.TempDir(), "pid")
	_, err := start(context.Background(), []string{"sh", "-c", "sleep 30 & echo $! > " + pidFile + "; exit 3"},
		nil, 5*time.Second, readyJSON, "")
	assert.ErrorContains(t, err, "exited before it was ready")
	assertKilled(t, pidFile, "the sleep the target left")
}

// assertKilled checks that the process whose pid is in pidFile dies soon.
func assertKilled(t *testing.T, pidFile, what string) {
	t.Helper()
	b, err := os.ReadFile(pidFile)
	require.NoError(t, err)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	require.NoError(t, err)
	assert.Eventually(t, func() bool { return !proctest.Alive(pid) }, time.Minute, 10*time.Millisecond, "%s is killed", what)
}
