package procstat

import (
	"os/exec"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseStat(t *testing.T) {
	t.Parallel()
	line := "42 (a (weird) name) S 7 42 42 0 -1 4194304 102 0 0 0 150 30 12 3 20 0 5 0 103044 2998272 422 18446744073709551615 0\n"
	st, err := parseStat([]byte(line))
	require.NoError(t, err)
	assert.Equal(t, stat{ppid: 7, utime: 150, stime: 30, cutime: 12, cstime: 3, threads: 5}, st)

	for _, bad := range []string{"", "42 no parens", "42 (x) S 1 2"} {
		_, err := parseStat([]byte(bad))
		assert.Error(t, err, bad)
	}
}

func TestParseKB(t *testing.T) {
	t.Parallel()
	status := "Name:\tx\nVmRSS:\t   1636 kB\nThreads:\t4\nvoluntary_ctxt_switches:\t17\n"
	tests := []struct {
		key  string
		want int64
		ok   bool
	}{
		{"VmRSS", 1636 << 10, true},
		{"Threads", 4, true},
		{"voluntary_ctxt_switches", 17, true},
		{"Pss", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseKB([]byte(status), tt.key)
		assert.Equal(t, tt.ok, ok, tt.key)
		assert.Equal(t, tt.want, got, tt.key)
	}
}

func TestParseSchedstat(t *testing.T) {
	t.Parallel()
	n, ok := parseSchedstat([]byte("5242621 23985050 3\n"))
	assert.True(t, ok)
	assert.Equal(t, int64(23985050), n)
	for _, bad := range []string{"", "1 2", "1 x 3", "1 -5 3"} {
		_, ok := parseSchedstat([]byte(bad))
		assert.False(t, ok, bad)
	}
}

func FuzzParseStat(f *testing.F) {
	f.Add([]byte("1 (init) S 0 1 1 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0 9 10 11 12 0\n"))
	f.Add([]byte("1 ()) S"))
	f.Fuzz(func(t *testing.T, b []byte) {
		parseStat(b) // must not panic
	})
}

// The watcher sees a shell and its children as one tree, and counts the
// CPU of a child the shell has already reaped.
func TestWatcherSamplesAChildTree(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("needs /proc")
	}
	t.Parallel()
	// On a line of input: a busy subshell that is reaped, then two
	// sleeping children.
	script := `read go; i=0; (while [ $i -lt 300000 ]; do i=$((i+1)); done); sleep 30 & sleep 30 & wait`
	cmd := exec.Command("sh", "-c", script)
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	w := NewWatcher(cmd.Process.Pid)
	require.NoError(t, w.Mark())
	_, err = stdin.Write([]byte("go\n"))
	require.NoError(t, err)
	var tr Tree
	require.Eventually(t, func() bool {
		var err error
		tr, err = w.Sample()
		return err == nil && tr.Processes == 3
	}, 30*time.Second, 20*time.Millisecond, "sh and its two sleeps")
	r := w.Resources()
	assert.Positive(t, r.User+r.Sys, "the reaped subshell's CPU is counted")
	assert.Equal(t, 3, r.MaxProcesses)
	assert.GreaterOrEqual(t, r.MaxThreads, 3)
	assert.Positive(t, r.PeakRSS)
	assert.Positive(t, r.PeakPSS)
	assert.LessOrEqual(t, r.PeakPSS, r.PeakRSS, "PSS shares what RSS counts many times")
	assert.Positive(t, r.MaxFDs)
	assert.Positive(t, r.Samples)

	cmd.Process.Kill()
	cmd.Wait()
	_, err = w.Sample()
	assert.Error(t, err, "the root is gone")
	assert.Equal(t, 3, w.Resources().MaxProcesses, "what was seen is kept")
}
