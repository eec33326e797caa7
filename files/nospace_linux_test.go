package files

import (
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// TestNoSpace fills the disk as a process under a file size limit sees it
// (RLIMIT_FSIZE: writes past it fail with EFBIG, as a full disk fails them
// with ENOSPC), in a child so the limit binds nothing else.
func TestNoSpace(t *testing.T) {
	t.Parallel()
	if dir := os.Getenv("FILES_NOSPACE_DIR"); dir != "" {
		noSpaceChild(t, dir)
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestNoSpace$", "-test.v")
	cmd.Env = append(os.Environ(), "FILES_NOSPACE_DIR="+dir)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "--- PASS: TestNoSpace")
	des, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, des, "the partial files are removed")
}

func noSpaceChild(t *testing.T, dir string) {
	s, err := Open(dir)
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, unix.Setrlimit(unix.RLIMIT_FSIZE, &unix.Rlimit{Cur: 100 << 10, Max: 100 << 10}))
	u, err := s.Create("big", 1<<20)
	require.NoError(t, err)
	chunk := make([]byte, 64<<10)
	for err == nil && u.Remaining() > 0 {
		_, err = u.Write(chunk[:min(int64(len(chunk)), u.Remaining())])
	}
	assert.ErrorIs(t, err, ErrNoSpace)
	_, err = u.Commit()
	assert.ErrorIs(t, err, ErrNoSpace)
	_, err = s.Disk(1024, false)
	assert.ErrorIs(t, err, ErrNoSpace)
	_, err = s.Get("big")
	assert.ErrorIs(t, err, ErrNotFound)
}
