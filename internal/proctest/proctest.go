// Package proctest reads a process's threads and children from /proc (Linux),
// for the tests that check a model really makes the threads and processes
// it claims to, and reaps them.
package proctest

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Threads returns how many threads process pid has.
func Threads(pid int) (int, error) {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return 0, fmt.Errorf("proctest: %w", err)
	}
	return len(tasks), nil
}

// FDs returns how many file descriptors process pid has open.
func FDs(pid int) (int, error) {
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return 0, fmt.Errorf("proctest: %w", err)
	}
	return len(fds), nil
}

// Proc is one process seen in /proc.
type Proc struct {
	PID   int
	State byte // R, S, D, Z (zombie), ...
}

// Children returns the processes whose parent is pid, zombies included.
func Children(pid int) ([]Proc, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, fmt.Errorf("proctest: %w", err)
	}
	var kids []Proc
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", child))
		if err != nil {
			continue // gone meanwhile
		}
		// pid (comm) state ppid ...: comm may hold spaces, so cut at the last ')'.
		i := strings.LastIndexByte(string(stat), ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(stat[i+1:]))
		if len(f) < 2 {
			continue
		}
		if ppid, _ := strconv.Atoi(f[1]); ppid == pid {
			kids = append(kids, Proc{PID: child, State: f[0][0]})
		}
	}
	return kids, nil
}
