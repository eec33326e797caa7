package spawn

import (
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// An exit the poller saw before the wait began is not lost: the child is
// reaped. Under load the reaper can be preempted between handing the pidfd
// to the poller and waiting, and a child that exited then stayed a zombie
// while its parent waited forever (corobench run's start costs hung so).
func TestWaitExitSeesAnEarlierExit(t *testing.T) {
	t.Parallel()
	for range 3 {
		pidfd := -1
		cmd := exec.Command("true")
		cmd.SysProcAttr = &syscall.SysProcAttr{PidFD: &pidfd}
		require.NoError(t, cmd.Start())
		f, rc := register(pidfd)
		require.NotNil(t, f)
		// Until it has exited, and the poller has had its turns.
		_, err := unix.Poll([]unix.PollFd{{Fd: int32(pidfd), Events: unix.POLLIN}}, -1)
		require.NoError(t, err)
		time.Sleep(50 * time.Millisecond)
		done := make(chan struct{})
		go func() {
			waitExit(pidfd, rc)
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(time.Minute): // a bound, should it hang
			t.Fatal("waitExit missed the exit: the child would stay a zombie")
		}
		f.Close()
		require.NoError(t, cmd.Wait())
	}
}
