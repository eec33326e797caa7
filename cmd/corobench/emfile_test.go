package main

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// When a model runs out of file descriptors, its accept loop backs off
// instead of spinning, and it serves again once descriptors free up.
func TestEveryModelRecoversFromEMFILE(t *testing.T) {
	for _, name := range sortedModels() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tgt := startModel(t, name)
			pid := tgt.Ready.PID
			fds := countProc(pid).fds
			var orig unix.Rlimit
			require.NoError(t, unix.Prlimit(pid, unix.RLIMIT_NOFILE, nil, &orig))
			low := unix.Rlimit{Cur: uint64(fds + 8), Max: orig.Max} // the soft limit only
			require.NoError(t, unix.Prlimit(pid, unix.RLIMIT_NOFILE, &low, nil))

			var conns []net.Conn
			for range 40 { // more than the target can accept
				c, err := net.DialTimeout("tcp", tgt.Ready.Addr, time.Second)
				require.NoError(t, err, "the kernel completes connections into the backlog")
				conns = append(conns, c)
			}
			t.Logf("%s: %d fds open of a soft limit of %d", name, countProc(pid).fds, low.Cur)
			cpu0 := cpuSeconds(t, pid)
			time.Sleep(time.Second)
			spent := cpuSeconds(t, pid) - cpu0
			assert.Less(t, spent, 0.3, "CPU seconds spent in one second out of descriptors: an accept loop must not spin")

			for _, c := range conns {
				c.Close()
			}
			require.NoError(t, unix.Prlimit(pid, unix.RLIMIT_NOFILE, &orig, nil))
			client := http.Client{Timeout: 5 * time.Second}
			resp, err := client.Get("http://" + tgt.Ready.Addr + "/health")
			require.NoError(t, err, "serves again once descriptors are free")
			resp.Body.Close()
			assert.Equal(t, 200, resp.StatusCode)
		})
	}
}

// cpuSeconds is a process's user and system CPU time.
func cpuSeconds(t *testing.T, pid int) float64 {
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	require.NoError(t, err)
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	utime, _ := strconv.ParseFloat(fields[11], 64)
	stime, _ := strconv.ParseFloat(fields[12], 64)
	return (utime + stime) / 100 // clock ticks; 100 a second on Linux
}
