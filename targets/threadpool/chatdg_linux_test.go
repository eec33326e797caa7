package threadpool_test

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
	"github.com/corobench/corobench/targets/threadpool"
)

func TestChatDatagrams(t *testing.T) {
	conformancetest.RunChat(t, func() any { return threadpool.NewChatDatagram(conformancetest.ChatConfig()) })
}

// The pool's threads are the only ones: one reads, blocked in recvfrom,
// and each member holds one as its sender, so a login past the pool's
// threads but one is answered ERR full, never queued; once a member quits,
// its thread takes the next.
func TestChatDatagramMembersHoldThePool(t *testing.T) {
	const workers = 8
	before := threads(t)
	cfg := conformancetest.ChatConfig()
	cfg.Workers = workers
	srv := threadpool.NewChatDatagram(cfg)
	addr := conformancetest.ServeDatagrams(t, srv)
	<-srv.Ready()
	var first net.Conn
	for i := range workers - 1 {
		c, line := login(t, "udp", addr, fmt.Sprintf("m%d", i))
		require.Equal(t, fmt.Sprintf("OK m%d\n", i), line)
		if i == 0 {
			first = c
		}
	}
	for i := range 3 {
		_, line := login(t, "udp", addr, fmt.Sprintf("late%d", i))
		assert.Equal(t, "ERR full\n", line, "a login beyond the pool's threads but the reader's")
	}
	assert.Eventually(t, func() bool {
		n, err := proctest.InSyscall(os.Getpid(), unix.SYS_RECVFROM)
		require.NoError(t, err)
		return n == 1
	}, conformancetest.Timeout, 10*time.Millisecond, "the reader blocked in recvfrom")
	// The runtime's own threads (a few) besides the pool.
	assert.LessOrEqual(t, threads(t), before+workers+8, "threads with the pool full")
	_, err := first.Write([]byte("Q m0"))
	require.NoError(t, err)
	assert.Eventually(t, func() bool {
		c, line := login(t, "udp", addr, "next")
		c.Close()
		return line == "OK next\n"
	}, conformancetest.Timeout, 20*time.Millisecond, "a thread freed by a member that quit")
}
