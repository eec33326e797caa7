package conformancetest

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// LimitFileSize makes the process pid, and every process it has started,
// unable to write a file past limit bytes (RLIMIT_FSIZE: a write past it
// fails with EFBIG, as one on a full disk fails with ENOSPC); processes it
// starts later inherit the limit.
func LimitFileSize(t *testing.T, pid int, limit uint64) {
	t.Helper()
	for _, p := range append([]int{pid}, descendants(pid)...) {
		err := unix.Prlimit(p, unix.RLIMIT_FSIZE, &unix.Rlimit{Cur: limit, Max: limit}, nil)
		if err == unix.EPERM {
			t.Skipf("cannot limit the file size of process %d: %v", p, err)
		}
		require.NoError(t, err, "prlimit of process %d", p)
	}
}

// descendants lists the processes pid started, and theirs.
func descendants(pid int) []int {
	var out []int
	tasks, _ := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
	for _, task := range tasks {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/task/" + task.Name() + "/children")
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if child, err := strconv.Atoi(f); err == nil {
				out = append(out, child)
				out = append(out, descendants(child)...)
			}
		}
	}
	return out
}
