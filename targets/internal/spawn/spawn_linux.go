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
	f, rc := register(pidfd)
	if f == nil {
		return
	}
	defer f.Close()
	waitExit(pidfd, rc)
}

// register hands pidfd to the poller: nil (and pidfd closed) if it cannot.
func register(pidfd int) (*os.File, syscall.RawConn) {
	if err := unix.SetNonblock(pidfd, true); err != nil {
		unix.Close(pidfd)
		return nil, nil
	}
	f := os.NewFile(uintptr(pidfd), "pidfd")
	rc, err := f.SyscallConn()
	if err != nil {
		unix.SetNonblock(pidfd, false) // os's copy shares the flag: Wait blocks instead
		f.Close()
		return nil, nil
	}
	return f, rc
}

// waitExit waits in the poller for the exit of the process of pidfd. Each
// look asks whether it has exited, the first too: preparing the wait
// forgets a readiness the poller saw before it, and an exit makes one edge
// only. Looking first only on the second call lost exits that came in
// between, and the child stayed a zombie and its parent waited forever.
func waitExit(pidfd int, rc syscall.RawConn) {
	if rc.Read(exited) != nil {
		unix.SetNonblock(pidfd, false) // os's copy shares the flag: Wait blocks instead
	}
}

// exited reports whether the process of pidfd has exited: its pidfd is
// readable.
func exited(pidfd uintptr) bool {
	fds := []unix.PollFd{{Fd: int32(pidfd), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(fds, 0)
		if err != unix.EINTR {
			return n > 0 || err != nil // an error: Wait finds out
		}
	}
}
