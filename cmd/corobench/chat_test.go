package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/harness"
	"github.com/corobench/corobench/targets"
)

// serveChatInProcess runs `serve -service chat` in this process and returns
// its ready line; the GOMAXPROCS serve sets is undone when the test ends.
func serveChatInProcess(t *testing.T, model string, network targets.Transport) harness.Ready {
	t.Helper()
	procs := runtime.GOMAXPROCS(0)
	t.Cleanup(func() { runtime.GOMAXPROCS(procs) })
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- serveCmd(ctx, []string{"-model", model, "-service", "chat", "-net", string(network)}, pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		go io.Copy(io.Discard, pr)
		assert.NoError(t, <-done)
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	require.NoError(t, err)
	var ready harness.Ready
	require.NoError(t, json.Unmarshal([]byte(line), &ready), line)
	return ready
}

// Every model that serves chat does so from the command: the ready line
// says chat, and a message reaches the other member.
func TestServeChat(t *testing.T) {
	for _, m := range models() {
		for _, tr := range m.Chat {
			t.Run(m.Name+"/"+string(tr), func(t *testing.T) {
				ready := serveChatInProcess(t, m.Name, tr)
				assert.Equal(t, "chat", ready.Service)
				assert.Equal(t, string(tr), ready.Net)
				var rs []*bufio.Reader
				var cs []net.Conn
				for _, name := range []string{"a", "b"} {
					c, err := net.DialTimeout(string(tr), ready.Addr, 5*time.Second)
					require.NoError(t, err)
					defer c.Close()
					require.NoError(t, c.SetDeadline(time.Now().Add(10*time.Second)))
					_, err = io.WriteString(c, "L "+name+"\n")
					require.NoError(t, err)
					r := bufio.NewReader(c)
					line, err := r.ReadString('\n')
					require.NoError(t, err)
					require.Equal(t, "OK "+name+"\n", line)
					rs, cs = append(rs, r), append(cs, c)
				}
				_, err := io.WriteString(cs[0], "C a hello\n")
				require.NoError(t, err)
				line, err := rs[1].ReadString('\n')
				require.NoError(t, err)
				assert.Equal(t, "M a hello\n", line)
			})
		}
	}
}

// A model that does not serve chat is refused with the list of those that
// do; so is an unknown service.
func TestServeChatRefused(t *testing.T) {
	for _, args := range [][]string{
		{"-model", "loop", "-service", "chat"},
		{"-model", "process", "-service", "chat"},
		{"-model", "prefork", "-service", "chat", "-net", "udp"},
	} {
		err := serveCmd(context.Background(), args, io.Discard, io.Discard)
		require.ErrorIs(t, err, errUsage, "%v", args)
		assert.Contains(t, err.Error(), "does not serve chat")
		assert.Contains(t, err.Error(), "goroutine (tcp")
	}
	err := serveCmd(context.Background(), []string{"-service", "irc"}, io.Discard, io.Discard)
	require.ErrorIs(t, err, errUsage)
	assert.True(t, strings.Contains(err.Error(), "want http or chat"), err.Error())
}
