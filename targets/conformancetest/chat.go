package conformancetest

import (
	"bufio"
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/chat"
	"github.com/corobench/corobench/targets"
)

// ChatToken is the admin token of the chat test servers.
const ChatToken = "s3cret"

// ChatOptions are the room settings of in-process chat test servers: small
// bounds, so that the hostile checks fill an outbox and see a member kicked
// or forgotten quickly.
func ChatOptions() chat.Options {
	return chat.Options{
		AdminToken:  ChatToken,
		OutboxBytes: 8 << 10,
		KickAfter:   300 * time.Millisecond,
		IdleTimeout: 2 * time.Second,
	}
}

// ChatConfig is the Config of an in-process chat test server.
func ChatConfig() targets.Config { return targets.Config{Chat: ChatOptions()} }

// ChatServer makes a fresh chat server for one check: a targets.Server
// (TCP) or a targets.DatagramServer (UDP).
type ChatServer func() any

// serveChat starts a chat server from mk on 127.0.0.1:0 until the test
// ends and returns a way to dial it.
func serveChat(t *testing.T, mk ChatServer) *chatRoom {
	t.Helper()
	switch srv := mk().(type) {
	case targets.Server:
		return &chatRoom{t: t, network: "tcp", addr: Serve(t, srv)}
	case targets.DatagramServer:
		return &chatRoom{t: t, network: "udp", addr: ServeDatagrams(t, srv)}
	default:
		t.Fatalf("conformancetest: %T is no chat server", srv)
		return nil
	}
}

// chatRoom is a chat server under test.
type chatRoom struct {
	t       *testing.T
	network string
	addr    string
}

func (r *chatRoom) udp() bool { return r.network == "udp" }

// dial connects a new client (not yet logged in).
func (r *chatRoom) dial() *chatClient {
	r.t.Helper()
	c, err := net.DialTimeout(r.network, r.addr, Timeout)
	require.NoError(r.t, err)
	r.t.Cleanup(func() { c.Close() })
	m := &chatClient{t: r.t, c: c, udp: r.udp()}
	if !m.udp {
		m.r = bufio.NewReaderSize(c, 2*chat.MaxLine)
	}
	return m
}

// member dials and logs in as name.
func (r *chatRoom) member(name string) *chatClient {
	r.t.Helper()
	m := r.dial()
	m.login(name)
	return m
}

// stats asks the room's counters from a fresh client.
func (r *chatRoom) stats() chat.Counters {
	r.t.Helper()
	return r.dial().stats()
}

// waitFor asks the counters until ok says yes, for at most Timeout.
func (r *chatRoom) waitFor(what string, ok func(chat.Counters) bool) chat.Counters {
	r.t.Helper()
	c := r.dial()
	deadline := time.Now().Add(Timeout)
	for {
		s := c.stats()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("%s: still not so after %v: %+v", what, Timeout, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// chatClient is one client of the room: a TCP connection, or a connected
// UDP socket.
type chatClient struct {
	t   *testing.T
	c   net.Conn
	udp bool
	r   *bufio.Reader
	buf [2 * chat.MaxLine]byte
	// stray counts the PONGs still to come for Ps settled gave up on.
	stray int
}

// send sends one command; a LF is added.
func (m *chatClient) send(line string) {
	m.t.Helper()
	require.NoError(m.t, m.c.SetWriteDeadline(time.Now().Add(Timeout)))
	_, err := m.c.Write([]byte(line + "\n"))
	require.NoError(m.t, err, "sending %q", line)
}

// read reads the next line the server sent, without its LF, waiting at
// most d.
func (m *chatClient) read(d time.Duration) (string, error) {
	if err := m.c.SetReadDeadline(time.Now().Add(d)); err != nil {
		return "", err
	}
	if m.udp {
		n, err := m.c.Read(m.buf[:])
		if err != nil {
			return "", err
		}
		line := string(m.buf[:n])
		if !strings.HasSuffix(line, "\n") || strings.Count(line, "\n") != 1 {
			return "", errors.New("a datagram that is not one line: " + line)
		}
		return strings.TrimSuffix(line, "\n"), nil
	}
	line, err := m.r.ReadString('\n')
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(line, "\n"), nil
}

// next is the next line, which must come within Timeout.
func (m *chatClient) next() string {
	m.t.Helper()
	for {
		line, err := m.read(Timeout)
		require.NoError(m.t, err, "waiting for a line")
		if line == "PONG" && m.stray > 0 {
			m.stray--
			continue
		}
		return line
	}
}

// expect checks that the next line is want.
func (m *chatClient) expect(want string) {
	m.t.Helper()
	require.Equal(m.t, want, m.next())
}

// ask sends line and checks that the answer is want.
func (m *chatClient) ask(line, want string) {
	m.t.Helper()
	m.send(line)
	m.expect(want)
}

// login logs in as name.
func (m *chatClient) login(name string) { m.t.Helper(); m.ask("L "+name, "OK "+name) }

// sync checks that nothing arrived before a PONG: the server has answered
// everything sent before.
func (m *chatClient) sync() { m.t.Helper(); m.ask("P", "PONG") }

// settled sends P until a PONG comes back (UDP: a P may be lost in a
// flood), for at most Timeout: then the server has served what reached it
// before. The PONGs of the Ps that seemed lost are skipped when they come.
func (m *chatClient) settled() {
	m.t.Helper()
	deadline := time.Now().Add(Timeout)
	for time.Now().Before(deadline) {
		m.send("P")
		if line, err := m.read(200 * time.Millisecond); err == nil && line == "PONG" {
			return
		}
		m.stray++
	}
	m.t.Fatal("no PONG within", Timeout)
}

// stats asks the room's counters.
func (m *chatClient) stats() chat.Counters {
	m.t.Helper()
	m.send("S")
	r, err := chat.ParseReply([]byte(m.next()))
	require.NoError(m.t, err)
	require.Equal(m.t, chat.KindStats, r.Kind)
	c, err := chat.ParseStats(r.Text)
	require.NoError(m.t, err)
	return c
}

// closed checks that the server closes the connection (TCP).
func (m *chatClient) closed() {
	m.t.Helper()
	_, err := m.read(Timeout)
	require.Error(m.t, err)
	require.False(m.t, errors.Is(err, os.ErrDeadlineExceeded), "the server closes the connection")
}

// drained reads what the server sent until it closes the connection
// (TCP): at most Timeout for each read, and 1 GB in all.
func (m *chatClient) drained() {
	m.t.Helper()
	buf := make([]byte, 64<<10)
	for range (1 << 30) / len(buf) {
		require.NoError(m.t, m.c.SetReadDeadline(time.Now().Add(Timeout)))
		if _, err := m.c.Read(buf); err != nil {
			require.False(m.t, errors.Is(err, os.ErrDeadlineExceeded), "the server closes the connection")
			return
		}
	}
	m.t.Fatal("the server sent 1 GB and did not close the connection")
}

// reset closes the connection with a reset (TCP) or just closes the socket.
func (m *chatClient) reset() {
	if tc, ok := m.c.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	m.c.Close()
}

// serveChatCtx is a context for a check's own goroutines.
func serveChatCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 3*Timeout)
	t.Cleanup(cancel)
	return ctx
}
