//go:build unix && !linux

package harness

import "syscall"

// groupAttr puts a child in a process group of its own. There is no
// parent-death signal here: a child outlives a harness that is killed.
func groupAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
