package conformancetest

import (
	"context"
	"math/rand/v2"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
)

// Bounds of the datagram bad-input suite.
const (
	// FloodDatagrams is how many requests one source sends at once,
	// without reading an answer.
	FloodDatagrams = 5000
	// GarbageDatagrams is how many random datagrams one source sends.
	GarbageDatagrams = 300
)

// DatagramHostile is the datagram bad-input suite: what a careless or
// malicious source sends. After each case the target must answer another
// client, as RunDatagramHostile checks.
func DatagramHostile() []DatagramCase {
	return []DatagramCase{
		{Name: "random garbage", Custom: randomGarbage},
		{Name: "flood from one source", Custom: floodDatagrams},
		{Name: "same id from two sources", Custom: sameIDTwoSources},
		{Name: "same id twice", Custom: sameIDTwice},
	}
}

// RunDatagramHostile runs the bad-input suite against the target at addr,
// checking after every case that the target still answers a well-behaved
// client.
func RunDatagramHostile(t *testing.T, addr, model string) {
	t.Helper()
	RunDatagramHostileSkipping(t, addr, model, nil)
}

// RunDatagramHostileSkipping is RunDatagramHostile without the cases named
// in skip, each skipped with the reason skip gives: for a target that
// serves every case but cannot within the suite's bounds on this machine.
func RunDatagramHostileSkipping(t *testing.T, addr, model string, skip map[string]string) {
	t.Helper()
	for _, c := range DatagramHostile() {
		t.Run(c.Name, func(t *testing.T) {
			if why, ok := skip[c.Name]; ok {
				t.Skip(why)
			}
			RunDatagramCase(t, addr, model, c)
			a := AskDatagram(t, addr, "/health", time.Second)
			assert.Equal(t, 200, a.Status, "still serving")
			assert.Equal(t, model+"\n", string(a.Body))
		})
	}
}

// randomGarbage sends random datagrams, some beginning like requests: every
// answer must parse, and be a refusal unless the datagram was a request.
func randomGarbage(t *testing.T, addr, _ string) {
	conn := DialDatagrams(t, addr)
	rng := rand.New(rand.NewPCG(1, 2))
	prefixes := []string{"", "1 ", "2 /", "3 /cpu?", "4 /echo\n", "5 /io?ms="}
	for range GarbageDatagrams {
		b := []byte(prefixes[rng.IntN(len(prefixes))])
		for range rng.IntN(64) {
			b = append(b, byte(rng.IntN(256)))
		}
		_, err := conn.Write(b)
		require.NoError(t, err)
	}
	conn.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	buf := make([]byte, protocol.MaxDatagram+1)
	for {
		n, err := conn.Read(buf)
		if err != nil {
			return
		}
		var a protocol.DatagramAnswer
		require.NoError(t, protocol.ParseDatagramAnswer(buf[:n], &a), "answer %q", truncate(buf[:n]))
	}
}

// floodDatagrams sends FloodDatagrams requests at once from one source and reads
// none of the answers: the target's buffers overflow (the kernel drops
// what does not fit), and it must go on serving others.
func floodDatagrams(t *testing.T, addr, _ string) {
	conn := DialDatagrams(t, addr)
	for i := range FloodDatagrams {
		if _, err := conn.Write(dgram(uint64(i), "/health")); err != nil {
			// The kernel may refuse a send while its queue is full.
			time.Sleep(time.Millisecond)
		}
	}
}

// sameIDTwoSources sends the same id from two sockets: each answer goes
// to the source of its request. A request is sent again (the same id, from
// the same socket) until it is answered: after a flood, a socket of a
// model with one per loop may still have a full buffer.
func sameIDTwoSources(t *testing.T, addr, model string) {
	a, b := DialDatagrams(t, addr), DialDatagrams(t, addr)
	for _, c := range []struct {
		conn *net.UDPConn
		req  []byte
		want Want
	}{
		{a, dgram(7, "/cpu?n=7"), Want{Status: 200, Check: checksumOf(7)}},
		{b, dgram(7, "/echo", "from b"), Want{Status: 200, Body: "from b"}},
	} {
		var ans protocol.DatagramAnswer
		buf := make([]byte, 1024)
		for deadline := time.Now().Add(Timeout); ; {
			_, err := c.conn.Write(c.req)
			require.NoError(t, err)
			require.NoError(t, c.conn.SetReadDeadline(time.Now().Add(time.Second)))
			n, err := c.conn.Read(buf)
			if err == nil {
				require.NoError(t, protocol.ParseDatagramAnswer(buf[:n], &ans))
				break
			}
			require.True(t, time.Now().Before(deadline), "no answer within %s: %v", Timeout, err)
		}
		assert.Equal(t, uint64(7), ans.ID)
		checkDatagram(t, 7, c.want, &ans, 0)
	}
}

// sameIDTwice sends one id twice: the target answers each datagram (it
// keeps no state between them), so the client sees the id twice.
func sameIDTwice(t *testing.T, addr, _ string) {
	conn := DialDatagrams(t, addr)
	for range 2 {
		_, err := conn.Write(dgram(5, "/cpu?n=5"))
		require.NoError(t, err)
	}
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(Timeout)))
	buf := make([]byte, 1024)
	for range 2 {
		n, err := conn.Read(buf)
		require.NoError(t, err)
		var a protocol.DatagramAnswer
		require.NoError(t, protocol.ParseDatagramAnswer(buf[:n], &a))
		checkDatagram(t, 5, Want{Status: 200, Check: checksumOf(5)}, &a, 0)
	}
}

// CheckDatagramShutdown checks how srv stops: ending ServeDatagrams'
// context while a request it has taken waits lets its answer arrive, and
// makes ServeDatagrams return nil, within Timeout. The request is known to
// be taken once a /health sent after it, from the same socket, is
// answered: a server reads a socket's datagrams in order.
func CheckDatagramShutdown(t *testing.T, srv targets.DatagramServer) {
	t.Helper()
	pc, err := targets.ListenDatagrams("127.0.0.1:0", srv)
	require.NoError(t, err)
	defer pc.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- srv.ServeDatagrams(ctx, pc) }()
	conn := DialDatagrams(t, pc.LocalAddr().String())
	for _, d := range [][]byte{dgram(1, "/io?ms=300"), dgram(2, "/health")} {
		_, err = conn.Write(d)
		require.NoError(t, err)
	}
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(Timeout)))
	buf := make([]byte, 512)
	answered := map[uint64]int{}
	read := func() {
		n, err := conn.Read(buf)
		require.NoError(t, err, "answers so far: %v", answered)
		var a protocol.DatagramAnswer
		require.NoError(t, protocol.ParseDatagramAnswer(buf[:n], &a))
		answered[a.ID] = a.Status
	}
	for answered[2] == 0 {
		read()
	}
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err, "ServeDatagrams after the context ended")
	case <-time.After(Timeout):
		require.FailNow(t, "ServeDatagrams did not return after the context ended")
	}
	for answered[1] == 0 {
		read() // the request in flight is answered
	}
	assert.Equal(t, 200, answered[1])
}
