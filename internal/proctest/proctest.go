// Package proctest reads a process's threads and children from /proc (Linux),
// for the tests that check a model really makes the threads and processes
// it claims to, and reaps them.
package proctest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Threads returns how many threads process pid has.
func Threads(pid int) (int, error) {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return 0, fmt.Errorf("proctest: %w", err)
	}
	return len(tasks), nil
}

// InSyscall returns how many threads of process pid are blocked in system
// call nr now (/proc/PID/task/TID/syscall; a thread that runs says
// "running"). Reading it needs the rights ptrace would: the process's own
// threads, or its user's.
func InSyscall(pid, nr int) (int, error) {
	return countSyscalls(pid, func(f []string) bool { return f[0] == strconv.Itoa(nr) })
}

// countSyscalls returns how many threads of process pid are in a system
// call whose /proc/PID/task/TID/syscall fields ("NR ARG1 ... SP PC" while
// in a call; "running" or "-1 ..." else) match; a thread that ended
// meanwhile is skipped.
func countSyscalls(pid int, match func(fields []string) bool) (int, error) {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return 0, fmt.Errorf("proctest: %w", err)
	}
	n := 0
	for _, task := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/syscall", pid, task.Name()))
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, unix.ESRCH) {
			continue // the thread has ended
		}
		if err != nil {
			return 0, fmt.Errorf("proctest: %w", err)
		}
		if f := strings.Fields(string(b)); len(f) > 0 && match(f) {
			n++
		}
	}
	return n, nil
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
		if state, ppid, ok := stat(child); ok && ppid == pid {
			kids = append(kids, Proc{PID: child, State: state})
		}
	}
	return kids, nil
}

// Alive reports whether pid is a process that has not exited: a zombie
// (exited, not yet reaped) is not.
func Alive(pid int) bool {
	state, _, ok := stat(pid)
	return ok && state != 'Z'
}

// stat reads the state and the parent of pid; ok is false once it is gone.
func stat(pid int) (state byte, ppid int, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, false
	}
	// pid (comm) state ppid ...: comm may hold spaces, so cut at the last ')'.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 2 {
		return 0, 0, false
	}
	ppid, _ = strconv.Atoi(f[1])
	return f[0][0], ppid, true
}

// SocketReaders returns how many threads of process pid are blocked in
// read(2) on a socket: a thread model's connection threads waiting for
// their clients, and none of the Go runtime's own threads (which wait in
// futex and epoll_wait). Reading another process's syscalls needs leave to
// trace it, which a parent has over the child it started.
func SocketReaders(pid int) (int, error) {
	return countSyscalls(pid, func(f []string) bool {
		if len(f) < 2 || f[0] != strconv.Itoa(unix.SYS_READ) {
			return false
		}
		fd, err := strconv.ParseUint(strings.TrimPrefix(f[1], "0x"), 16, 31)
		if err != nil {
			return false
		}
		link, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%d", pid, fd))
		return err == nil && strings.HasPrefix(link, "socket:")
	})
}
