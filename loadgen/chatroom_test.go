package loadgen_test

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// fakeRoom is a small chat room for the chat mode's tests, over TCP or
// UDP: one room, members by name, each message forwarded to every other
// member through a bounded outbox (dropped when full), and ways to
// misbehave.
type fakeRoom struct {
	// dropEvery drops every n-th delivery (0: none); echo sends a member's
	// messages back to it too; lie adds an invented and a foreign message
	// to every delivery; silent never answers.
	dropEvery int
	echo      bool
	lie       bool
	silent    bool

	mu                            sync.Mutex
	members                       map[string]*fakeMember
	messages, deliveries, dropped int64
	n                             int
}

type fakeMember struct {
	out  chan []byte  // TCP
	addr *net.UDPAddr // UDP
	conn *net.UDPConn // UDP: the room's socket
}

// startFakeRoom serves a room on 127.0.0.1 until the test ends.
func startFakeRoom(t *testing.T, network string, r *fakeRoom) string {
	r.members = map[string]*fakeMember{}
	if network == "udp" {
		pc, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		require.NoError(t, err)
		t.Cleanup(func() { pc.Close() })
		go r.serveUDP(pc)
		return pc.LocalAddr().String()
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { r.serveTCP(c) })
		}
	}()
	return ln.Addr().String()
}

func (r *fakeRoom) serveTCP(c net.Conn) {
	defer c.Close()
	if r.silent {
		bufio.NewReader(c).WriteTo(discard{})
		return
	}
	var name string
	out := make(chan []byte, 256)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for b := range out {
			if _, err := c.Write(b); err != nil {
				for range out {
				}
				return
			}
		}
	}()
	defer func() {
		r.mu.Lock()
		if m := r.members[name]; name != "" && m != nil && m.out == out {
			delete(r.members, name)
		}
		r.mu.Unlock()
		close(out)
		<-done
	}()
	sc := bufio.NewScanner(c)
	for sc.Scan() {
		cmd, rest, _ := strings.Cut(sc.Text(), " ")
		switch cmd {
		case "L":
			r.mu.Lock()
			if r.members[rest] != nil {
				r.mu.Unlock()
				out <- []byte("ERR taken " + rest + "\n")
				continue
			}
			name = rest
			r.members[name] = &fakeMember{out: out}
			out <- []byte("OK " + name + "\n")
			r.mu.Unlock()
		case "C":
			from, text, _ := strings.Cut(rest, " ")
			r.say(from, text)
		case "Q":
			r.mu.Lock()
			delete(r.members, name)
			r.mu.Unlock()
			name = ""
			out <- []byte("BYE " + rest + "\n")
			return
		case "S":
			out <- r.stats()
		case "P":
			out <- []byte("PONG\n")
		}
	}
}

func (r *fakeRoom) serveUDP(pc *net.UDPConn) {
	buf := make([]byte, 2048)
	for {
		n, addr, err := pc.ReadFromUDP(buf)
		if err != nil {
			return
		}
		if r.silent {
			continue
		}
		cmd, rest, _ := strings.Cut(strings.TrimSuffix(string(buf[:n]), "\n"), " ")
		switch cmd {
		case "L":
			r.mu.Lock()
			if r.members[rest] != nil {
				r.mu.Unlock()
				pc.WriteToUDP([]byte("ERR taken "+rest+"\n"), addr)
				continue
			}
			r.members[rest] = &fakeMember{addr: addr, conn: pc}
			r.mu.Unlock()
			pc.WriteToUDP([]byte("OK "+rest+"\n"), addr)
		case "C":
			from, text, _ := strings.Cut(rest, " ")
			r.say(from, text)
		case "Q":
			r.mu.Lock()
			delete(r.members, rest)
			r.mu.Unlock()
			pc.WriteToUDP([]byte("BYE "+rest+"\n"), addr)
		case "S":
			pc.WriteToUDP(r.stats(), addr)
		case "P":
			pc.WriteToUDP([]byte("PONG\n"), addr)
		}
	}
}

// say forwards a message to every other member.
func (r *fakeRoom) say(from, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.messages++
	line := []byte("M " + from + " " + text + "\n")
	for name, m := range r.members {
		if name == from && !r.echo {
			continue
		}
		r.n++
		if r.dropEvery > 0 && r.n%r.dropEvery == 0 {
			r.dropped++
			continue
		}
		lines := [][]byte{line}
		if r.lie {
			lines = append(lines, []byte("M "+from+" 4000000000 1 x\n"), []byte("M stranger 1 1\n"), []byte("garbage\n"))
		}
		for _, l := range lines {
			r.deliver(m, l)
		}
	}
}

func (r *fakeRoom) deliver(m *fakeMember, line []byte) {
	if m.conn != nil {
		m.conn.WriteToUDP(line, m.addr)
		r.deliveries++
		return
	}
	select {
	case m.out <- line:
		r.deliveries++
	default:
		r.dropped++
	}
}

func (r *fakeRoom) stats() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return fmt.Appendf(nil, "STATS members=%d messages=%d deliveries=%d dropped=%d kicked=0\n",
		len(r.members), r.messages, r.deliveries, r.dropped)
}

type discard struct{}

func (discard) Write(b []byte) (int, error) { return len(b), nil }
