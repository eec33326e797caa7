package thread_test

import (
	"bufio"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/thread"
)

func TestChat(t *testing.T) {
	conformancetest.RunChat(t, func() any { return thread.NewChat(conformancetest.ChatConfig()) })
}

// Each member has two threads of its own, a reader and a writer, which
// end with it.
func TestChatThreadsPerMember(t *testing.T) {
	const members = 20
	addr := conformancetest.Serve(t, thread.NewChat(conformancetest.ChatConfig()))
	before := threads(t)
	var open []net.Conn
	for i := range members {
		c, err := net.DialTimeout("tcp", addr, conformancetest.Timeout)
		require.NoError(t, err)
		defer c.Close()
		require.NoError(t, c.SetDeadline(time.Now().Add(conformancetest.Timeout)))
		fmt.Fprintf(c, "L m%d\n", i)
		line, err := bufio.NewReader(c).ReadString('\n')
		require.NoError(t, err)
		require.Equal(t, fmt.Sprintf("OK m%d\n", i), line)
		open = append(open, c)
	}
	during := threads(t)
	// Idle runtime threads may be the ones a member takes over: count what
	// must be there, two threads per member.
	assert.Greater(t, during, 2*members, "threads with %d members in (before: %d)", members, before)
	for _, c := range open {
		c.Close()
	}
	assert.Eventually(t, func() bool { return threads(t) < before+members },
		conformancetest.Timeout, 10*time.Millisecond, "threads after the members left (before: %d, during: %d)", before, during)
}
