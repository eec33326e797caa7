package external_test

import (
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/external"
)

// chatter is one member's socket: it sends a command and reads lines.
type chatter struct {
	t *testing.T
	c net.Conn
}

func dialChat(t *testing.T, addr string) *chatter {
	c, err := net.Dial("udp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return &chatter{t, c}
}

// say sends one command datagram.
func (ch *chatter) say(cmd string) {
	_, err := ch.c.Write([]byte(cmd + "\n"))
	require.NoError(ch.t, err)
}

// hear reads the next datagram, within 5 s.
func (ch *chatter) hear() string {
	require.NoError(ch.t, ch.c.SetReadDeadline(time.Now().Add(5*time.Second)))
	buf := make([]byte, 2048)
	n, err := ch.c.Read(buf)
	require.NoError(ch.t, err)
	return string(buf[:n])
}

// ask sends a command and returns the answer.
func (ch *chatter) ask(cmd string) string {
	ch.say(cmd)
	return ch.hear()
}

// The UDP chat peer speaks the chat protocol: logins, the fan-out of a
// message to every other member, refusals, counters and leaving.
func TestChatUDPPeer(t *testing.T) {
	t.Parallel()
	for _, p := range external.ChatPeers() {
		if err := p.Available(); err != nil {
			t.Skipf("skip %s: %v", p.Name, err)
		}
		t.Run(p.Name, func(t *testing.T) {
			addr := start(t, p).Ready.Addr
			alice, bob, eve := dialChat(t, addr), dialChat(t, addr), dialChat(t, addr)
			assert.Equal(t, "OK alice\n", alice.ask("L alice"))
			assert.Equal(t, "OK bob\n", bob.ask("L bob"))
			assert.Equal(t, "ERR login\n", bob.ask("L bob2"), "one name per address")
			assert.Equal(t, "ERR taken alice\n", eve.ask("L alice"))
			assert.Equal(t, "ERR name\n", eve.ask("L bad/name"))
			alice.say("C alice hello, room")
			assert.Equal(t, "M alice hello, room\n", bob.hear())
			assert.Equal(t, "ERR login\n", eve.ask("C alice forged"), "only alice's address speaks as alice")
			assert.Equal(t, "ERR text\n", alice.ask("C alice a\x00b"))
			assert.Equal(t, "ERR long\n", eve.ask("C eve "+strings.Repeat("x", 1100)))
			assert.Equal(t, "ERR unknown\n", eve.ask("X"))
			assert.Equal(t, "PONG\n", eve.ask("P"))
			assert.Equal(t, "ERR admin\n", eve.ask("A guess hi"))
			assert.Equal(t, "STATS members=2 messages=1 deliveries=1 dropped=0 kicked=0\n", eve.ask("S"))
			assert.Equal(t, "BYE alice\n", alice.ask("Q alice"))
			assert.Equal(t, "OK eve\n", eve.ask("L eve"))
			assert.Equal(t, "OK alice\n", alice.ask("L alice"), "a name is free once its member left")
		})
	}
}

// A member silent for longer than the idle timeout is removed; one that
// sends P stays.
func TestChatUDPPeerForgetsTheSilent(t *testing.T) {
	t.Parallel()
	for _, p := range external.ChatPeers() {
		if err := p.Available(); err != nil {
			t.Skipf("skip %s: %v", p.Name, err)
		}
		t.Run(p.Name, func(t *testing.T) {
			addr := start(t, p, "--idle", "2").Ready.Addr
			quiet, keeper, other := dialChat(t, addr), dialChat(t, addr), dialChat(t, addr)
			assert.Equal(t, "OK quiet\n", quiet.ask("L quiet"))
			assert.Equal(t, "OK keeper\n", keeper.ask("L keeper"))
			// Until the silent member's name is free, keeper pings a few
			// round trips apart: never silent near the idle bound, however
			// slowly the machine runs (it pinged every 500 ms of a 1 s
			// bound, and could be forgotten by a stall of 500 ms).
			for deadline := time.Now().Add(time.Minute); other.ask("L quiet") != "OK quiet\n"; {
				require.True(t, time.Now().Before(deadline), "the silent member's name is never freed")
				require.Equal(t, "PONG\n", keeper.ask("P keeper"))
				time.Sleep(20 * time.Millisecond)
			}
			assert.Equal(t, "ERR taken keeper\n", dialChat(t, addr).ask("L keeper"))
		})
	}
}

// Every chat peer passes the chat conformance suite every Go model that
// serves chat passes, with the same room settings (admin token, idle
// timeout).
func TestChatPeersConform(t *testing.T) {
	t.Parallel()
	idle := strconv.FormatFloat(conformancetest.ChatOptions().IdleTimeout.Seconds(), 'f', -1, 64)
	for _, p := range external.ChatPeers() {
		if err := p.Available(); err != nil {
			t.Skipf("skip %s: %v", p.Name, err)
		}
		t.Run(p.Name, func(t *testing.T) {
			t.Parallel()
			conformancetest.RunChatAt(t, func(t *testing.T) (string, string) {
				tgt := start(t, p, "--admin", conformancetest.ChatToken, "--idle", idle)
				return tgt.Ready.Net, tgt.Ready.Addr
			}, nil)
		})
	}
}
