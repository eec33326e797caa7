package thread_test

import (
	"fmt"
	"net"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/internal/proctest"

	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/thread"
)

func TestChatDatagrams(t *testing.T) {
	conformancetest.RunChat(t, func() any { return thread.NewChatDatagram(conformancetest.ChatConfig()) })
}

// askUDP sends line from c and returns the answer.
func askUDP(t *testing.T, c net.Conn, line string) string {
	t.Helper()
	require.NoError(t, c.SetDeadline(time.Now().Add(conformancetest.Timeout)))
	_, err := c.Write([]byte(line))
	require.NoError(t, err)
	buf := make([]byte, 64)
	n, err := c.Read(buf)
	require.NoError(t, err)
	return string(buf[:n])
}

// Each UDP member has a thread of its own, made at its login and ended
// when it quits; past MaxConns members, a login is answered ERR full.
func TestChatDatagramThreadPerMember(t *testing.T) {
	const members = 30
	cfg := conformancetest.ChatConfig()
	cfg.MaxConns = members
	addr := conformancetest.ServeDatagrams(t, thread.NewChatDatagram(cfg))
	var in []net.Conn
	for i := range members + 1 {
		c, err := net.DialTimeout("udp", addr, conformancetest.Timeout)
		require.NoError(t, err)
		defer c.Close()
		if i == members {
			assert.Equal(t, "ERR full\n", askUDP(t, c, "L late"), "a login past MaxConns")
			break
		}
		if i == 0 {
			// The reader's thread is in; count from here.
			assert.Equal(t, "PONG\n", askUDP(t, c, "P"))
		}
		require.Equal(t, fmt.Sprintf("OK m%d\n", i), askUDP(t, c, fmt.Sprintf("L m%d", i)))
		in = append(in, c)
	}
	// A member's thread starts once it is in (its OK is already sent).
	// Idle runtime threads may be the ones a member takes over: count what
	// must be there, a thread per member and the reader's, each asleep in
	// the kernel: the reader in recvfrom(2), each member's thread in a
	// futex until its outbox has lines.
	var during, asleep, reading int
	if !assert.Eventually(t, func() bool {
		during, asleep, reading = threads(t), inSyscall(t, unix.SYS_FUTEX), inSyscall(t, unix.SYS_RECVFROM)
		return during > members && asleep >= members && reading == 1
	}, conformancetest.Timeout, 10*time.Millisecond) {
		t.Logf("with %d members in: threads %d, in futex %d, in recvfrom %d", members, during, asleep, reading)
	}
	for i, c := range in {
		assert.Equal(t, fmt.Sprintf("BYE m%d\n", i), askUDP(t, c, fmt.Sprintf("Q m%d", i)))
	}
	// The threads end with their members (a few of them may have been the
	// runtime's idle threads before).
	assert.Eventually(t, func() bool { return threads(t) < during-members/2 },
		conformancetest.Timeout, 10*time.Millisecond, "threads after the members quit (during: %d)", during)
}

// inSyscall is how many of this process's threads are blocked in system
// call nr.
func inSyscall(t *testing.T, nr int) int {
	n, err := proctest.InSyscall(os.Getpid(), nr)
	require.NoError(t, err)
	return n
}
