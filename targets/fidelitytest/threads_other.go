//go:build !linux

package fidelitytest

import "testing"

// DiskThreadsRise skips the test: it counts a process's threads in /proc.
func DiskThreadsRise(t *testing.T, addr string, pid int) (before, after int) {
	t.Skip("counting a process's OS threads needs Linux's /proc")
	return 0, 0
}
