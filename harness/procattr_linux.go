package harness

import "syscall"

// groupAttr puts a child in a process group of its own, which dies with
// this process: the kernel sends SIGKILL to the child (the group's leader)
// when the thread that started it ends (see startLocked).
func groupAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
