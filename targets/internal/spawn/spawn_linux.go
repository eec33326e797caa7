package spawn

import (
	"os/exec"
	"syscall"
)

// configure makes the child die with its parent. Pdeathsig is tied to the
// thread that starts the child; Go keeps its threads unless a goroutine locks
// one and exits, which the process and prefork parents never do.
func configure(cmd *exec.Cmd) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	return nil
}
