//go:build linux

package results

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// A full disk (here: a file size limit, which root cannot write past either)
// makes WriteFile fail with a clear error, and the previous file stays whole.
func TestWriteFileKeepsOldFileWhenDiskIsFull(t *testing.T) {
	if path := os.Getenv("COROBENCH_FULL_DISK_CHILD"); path != "" {
		writeOnFullDisk(path)
		return
	}
	t.Parallel()
	path := filepath.Join(t.TempDir(), "results.json")
	require.NoError(t, WriteFile(path, map[string]string{"old": "results"}))
	cmd := exec.Command(os.Args[0], "-test.run=^TestWriteFileKeepsOldFileWhenDiskIsFull$")
	cmd.Env = append(os.Environ(), "COROBENCH_FULL_DISK_CHILD="+path)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "results: write "+path, "the error names the file")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.JSONEq(t, `{"old":"results"}`, string(data))
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".results.json.*"))
	assert.Empty(t, leftovers, "no temporary file is left behind")
}

// writeOnFullDisk runs in a child process: it limits its file size, tries to
// write a large results file over path and prints the error.
func writeOnFullDisk(path string) {
	signal.Ignore(syscall.SIGXFSZ) // get EFBIG instead of being killed
	if err := unix.Setrlimit(unix.RLIMIT_FSIZE, &unix.Rlimit{Cur: 1024, Max: 1024}); err != nil {
		fmt.Println("setrlimit:", err)
		os.Exit(3)
	}
	err := WriteFile(path, map[string]string{"new": strings.Repeat("x", 64<<10)})
	if err == nil {
		fmt.Println("the write did not fail")
		os.Exit(4)
	}
	fmt.Println(err)
	os.Exit(0)
}
