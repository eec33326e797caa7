package conformancetest

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/chat"
)

// ChatCase is one check of the chat conformance suite, run on a fresh
// server.
type ChatCase struct {
	Name string
	Run  func(t *testing.T, r *chatRoom)
}

// RunChat runs the chat conformance suite (docs/chat.md) against servers
// mk makes, each check on a fresh one: TCP or UDP, whichever mk makes.
func RunChat(t *testing.T, mk ChatServer) {
	runChat(t, func(t *testing.T) *chatRoom { return serveChat(t, mk) }, nil)
}

// RunChatAt runs the chat conformance suite against servers outside the
// process: start starts a fresh one for each check (stopping it when the
// test ends) and returns its network ("tcp" or "udp") and address. skip
// names the checks that cannot apply to them, each with its reason.
func RunChatAt(t *testing.T, start func(t *testing.T) (network, addr string), skip map[string]string) {
	runChat(t, func(t *testing.T) *chatRoom {
		network, addr := start(t)
		return &chatRoom{t: t, network: network, addr: addr}
	}, skip)
}

func runChat(t *testing.T, room func(t *testing.T) *chatRoom, skip map[string]string) {
	for _, c := range append(ChatCases(), ChatHostileCases()...) {
		t.Run(c.Name, func(t *testing.T) {
			if why, ok := skip[c.Name]; ok {
				t.Skip(why)
			}
			t.Parallel()
			c.Run(t, room(t))
		})
	}
}

// ChatCases are the checks of the protocol itself.
func ChatCases() []ChatCase {
	return []ChatCase{
		{"login", func(t *testing.T, r *chatRoom) {
			a := r.member("alice")
			a.ask("L bob", "ERR login")
			assert.Equal(t, uint64(1), a.stats().Members)
		}},
		{"taken name", func(t *testing.T, r *chatRoom) {
			r.member("alice")
			r.dial().ask("L alice", "ERR taken alice")
		}},
		{"bad names", func(t *testing.T, r *chatRoom) {
			c := r.dial()
			c.ask("L al/ice", "ERR name")
			c.ask("L", "ERR name")
			c.ask("L "+strings.Repeat("n", chat.MaxName+1), "ERR name")
			c.login(strings.Repeat("n", chat.MaxName))
		}},
		{"before login", func(t *testing.T, r *chatRoom) {
			b := r.member("bob")
			c := r.dial()
			c.ask("C bob hi", "ERR login")
			c.ask("Q bob", "ERR login")
			c.login("carol")
			c.ask("C bob hi", "ERR login")
			b.sync() // nothing reached bob
		}},
		{"fan-out", func(t *testing.T, r *chatRoom) {
			a, b, c := r.member("a"), r.member("b"), r.member("c")
			a.send("C a hello there")
			b.expect("M a hello there")
			c.expect("M a hello there")
			a.send("C a ")
			b.expect("M a ")
			c.expect("M a ")
			a.sync() // the sender gets nothing back
			s := a.stats()
			assert.Equal(t, uint64(2), s.Messages)
			assert.Equal(t, uint64(4), s.Deliveries)
		}},
		{"order per sender", checkOrder},
		{"quiet member stays", func(t *testing.T, r *chatRoom) {
			// The kick bound is on a member's outbox and writes, not on
			// its silence: quiet for longer, after answers, it stays.
			a := r.member("alice")
			a.sync()
			time.Sleep(3 * ChatOptions().KickAfter)
			a.sync()
			assert.Equal(t, uint64(1), a.stats().Members)
		}},
		{"quit", func(t *testing.T, r *chatRoom) {
			a, b := r.member("alice"), r.member("bob")
			a.ask("Q alice", "BYE alice")
			if !r.udp() {
				a.closed()
			}
			b.send("C bob anyone")
			r.member("alice") // the name is free again
			b.sync()
			assert.Equal(t, uint64(2), b.stats().Members)
		}},
		{"vanished member", func(t *testing.T, r *chatRoom) {
			a := r.member("alice")
			r.member("bob")
			a.reset() // TCP: a reset; UDP: silence, past the idle timeout
			keep := r.member("keeper")
			if r.udp() {
				go func() { // the keeper stays in with P while alice goes silent
					for range 200 {
						if _, err := keep.c.Write([]byte("P keeper\n")); err != nil {
							return
						}
						if line, err := keep.read(Timeout); err != nil || line != "PONG" {
							return
						}
					}
				}()
			}
			r.waitFor("alice is gone", func(c chat.Counters) bool { return c.Members <= 2 })
			r.member("alice")
		}},
		{"unknown command", func(t *testing.T, r *chatRoom) {
			c := r.dial()
			for _, line := range []string{"X", "", "l alice", "Lalice", "S now", "HELLO"} {
				c.ask(line, "ERR unknown")
			}
			c.login("alice")
			c.ask("C alice a\x00b", "ERR text")
			c.ask("C alice a\rb", "ERR text")
		}},
		{"long line", func(t *testing.T, r *chatRoom) {
			a, b := r.member("alice"), r.member("bob")
			head := "C alice "
			a.ask(head+strings.Repeat("x", chat.MaxLine), "ERR long")
			a.sync() // the connection goes on
			longest := strings.Repeat("y", chat.MaxLine-1-len(head))
			a.send(head + longest)
			b.expect("M alice " + longest)
		}},
		{"admin broadcast", func(t *testing.T, r *chatRoom) {
			a, b := r.member("alice"), r.member("bob")
			admin := r.dial()
			admin.ask("A "+ChatToken+" closing at ten", "OK")
			a.expect("B closing at ten")
			b.expect("B closing at ten")
			admin.ask("A wrong closing", "ERR admin")
			admin.ask("A", "ERR unknown")
			a.sync()
		}},
		{"stats", func(t *testing.T, r *chatRoom) {
			a, b := r.member("alice"), r.member("bob")
			a.send("C alice one")
			b.expect("M alice one")
			s := b.stats()
			assert.Equal(t, chat.Counters{Members: 2, Messages: 1, Deliveries: 1}, s)
		}},
	}
}

// checkOrder sends from several members at once and checks that a
// listener gets each sender's messages in the order sent, none missing.
func checkOrder(t *testing.T, r *chatRoom) {
	const senders, each = 4, 25
	listener := r.member("listener")
	var members []*chatClient
	for i := range senders {
		members = append(members, r.member(fmt.Sprintf("s%d", i)))
	}
	var wg sync.WaitGroup
	for i, m := range members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seq := range each {
				if _, err := m.c.Write(fmt.Appendf(nil, "C s%d %d\n", i, seq)); err != nil {
					t.Errorf("s%d: %v", i, err)
					return
				}
			}
		}()
	}
	next := make(map[string]int)
	for range senders * each {
		line := listener.next()
		reply, err := chat.ParseReply([]byte(line))
		require.NoError(t, err)
		require.Equal(t, chat.KindMessage, reply.Kind, line)
		seq, err := strconv.Atoi(string(reply.Text))
		require.NoError(t, err, line)
		require.Equal(t, next[string(reply.Name)], seq, "the next message from %s", reply.Name)
		next[string(reply.Name)]++
	}
	wg.Wait()
	listener.sync()
}
