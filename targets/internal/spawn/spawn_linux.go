package spawn

import (
	"os"
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"
)

// configure makes the child die with its parent, and asks for a pidfd to
// wait on. Pdeathsig is tied to the thread that starts the child; Go keeps
// its threads unless a goroutine locks one and exits, which the process and
// prefork parents never do.
func configure(cmd *exec.Cmd, pidfd *int) error {
	*pidfd = -1
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, PidFD: pidfd}
	return nil
}

// awaitExit returns once the child pidfd refers to has exited, and closes
// pidfd. It waits in Go's network poller (a pidfd becomes readable when its
// process exits), so that a parent of many children does not keep a thread
// blocked in waitid for each. Without a pidfd it returns at once, and
// exec.Cmd.Wait blocks instead.
func awaitExit(pidfd int) {
	if pidfd < 0 {
		return
	}
	if err := unix.SetNonblock(pidfd, true); err != nil {
		unix.Close(pidfd)
		return
	}
	f := os.NewFile(uintptr(pidfd), "pidfd")
	defer f.Close()
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	polled := false
	rc.Read(func(uintptr) bool {
		done := polled
		polled = true
		return done // the first call asks the poller to wait
	})
}
