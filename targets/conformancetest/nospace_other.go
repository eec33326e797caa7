//go:build !linux

package conformancetest

import "testing"

// LimitFileSize skips the test: limiting another process's file size
// needs Linux's prlimit.
func LimitFileSize(t *testing.T, pid int, limit uint64) {
	t.Skip("limiting another process's file size needs Linux (prlimit)")
}
