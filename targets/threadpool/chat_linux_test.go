package threadpool_test

import (
	"bufio"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/threadpool"
)

func TestChat(t *testing.T) {
	conformancetest.RunChat(t, func() any { return threadpool.NewChat(conformancetest.ChatConfig()) })
}

// login dials addr over network ("tcp", "udp") and logs in as name,
// returning the connection and the answer.
func login(t *testing.T, network, addr, name string) (net.Conn, string) {
	c, err := net.DialTimeout(network, addr, conformancetest.Timeout)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	require.NoError(t, c.SetDeadline(time.Now().Add(conformancetest.Timeout)))
	fmt.Fprintf(c, "L %s\n", name)
	line, err := bufio.NewReader(c).ReadString('\n')
	require.NoError(t, err)
	return c, line
}

// The pool's threads are the only ones: a member holds two of them, and a
// connection beyond the pool's pairs is answered ERR full, never queued;
// once a member leaves, its pair takes the next.
func TestChatMembersHoldThePool(t *testing.T) {
	const workers = 20
	before := threads(t)
	cfg := conformancetest.ChatConfig()
	cfg.Workers = workers
	srv := threadpool.NewChat(cfg)
	addr := conformancetest.Serve(t, srv)
	<-srv.Ready()
	var in []net.Conn
	for i := range workers / 2 {
		c, line := login(t, "tcp", addr, fmt.Sprintf("m%d", i))
		require.Equal(t, fmt.Sprintf("OK m%d\n", i), line)
		in = append(in, c)
	}
	during := threads(t)
	for i := range 3 {
		_, line := login(t, "tcp", addr, fmt.Sprintf("late%d", i))
		assert.Equal(t, "ERR full\n", line, "a connection beyond the pool's pairs")
	}
	// The runtime's own threads (a few) besides the pool.
	assert.LessOrEqual(t, threads(t), before+workers+8, "threads with the pool full (during: %d)", during)
	in[0].Close()
	assert.Eventually(t, func() bool {
		c, line := login(t, "tcp", addr, "next")
		c.Close()
		return line == "OK next\n"
	}, conformancetest.Timeout, 20*time.Millisecond, "a seat freed by a member that left")
}
