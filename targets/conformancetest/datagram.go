package conformancetest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
)

// DatagramCase is one exchange of datagrams from a fresh socket: each
// request is sent as one datagram, and the answers, in whatever order they
// come, are matched to the requests by id.
type DatagramCase struct {
	Name string
	// Send are the request datagrams, sent one after another.
	Send [][]byte
	// Want are the answers expected, by the id of their request; a request
	// whose id is not here must get no answer.
	Want map[uint64]Want
	// Custom, when set, replaces the exchange with its own.
	Custom func(t *testing.T, addr, model string)
}

// dgram is a request datagram: id and target, and a body for /echo.
func dgram(id uint64, target string, body ...string) []byte {
	return protocol.AppendDatagramRequest(nil, id, target, []byte(strings.Join(body, "")))
}

// DatagramCases is the datagram conformance suite. model is the name
// /health must answer.
func DatagramCases(model string) []DatagramCase {
	one := func(name string, d []byte, id uint64, w Want) DatagramCase {
		return DatagramCase{Name: name, Send: [][]byte{d}, Want: map[uint64]Want{id: w}}
	}
	refused := func(name string, status int, d []byte, id uint64) DatagramCase {
		return one(name, d, id, Want{Status: status})
	}
	var many [][]byte
	manyWant := map[uint64]Want{}
	for i := range 20 {
		id := uint64(1000 + i)
		many = append(many, dgram(id, fmt.Sprintf("/cpu?n=%d", i+1)))
		manyWant[id] = Want{Status: 200, Check: checksumOf(uint64(i + 1))}
	}
	return []DatagramCase{
		one("health", dgram(1, "/health"), 1, Want{Status: 200, Body: model + "\n"}),
		one("health with a line feed", []byte("2 /health\n"), 2, Want{Status: 200, Body: model + "\n"}),
		one("largest id", dgram(18446744073709551615, "/health"), 18446744073709551615, Want{Status: 200}),
		one("cpu by time", dgram(3, "/cpu?us=200"), 3, Want{Status: 200, Check: checksumOf(0)}),
		one("cpu by units", dgram(4, "/cpu?n=12345"), 4, Want{Status: 200, Check: checksumOf(12345)}),
		one("io waits", dgram(5, "/io?ms=30"), 5, Want{Status: 200, Body: "ok\n", MinLatency: 30 * time.Millisecond}),
		one("mix", dgram(6, "/mix?us=100&ms=20"), 6, Want{Status: 200, Check: checksumOf(0), MinLatency: 20 * time.Millisecond}),
		one("echo body", dgram(7, "/echo", "hello,\ncorobench"), 7, Want{Status: 200, Body: "hello,\ncorobench"}),
		one("echo size", dgram(8, "/echo?size=1000"), 8, Want{Status: 200, BodyLen: 1000}),
		one("echo the most a datagram holds", dgram(9, "/echo?size="+strconv.Itoa(protocol.MaxDatagramEcho)), 9,
			Want{Status: 200, BodyLen: protocol.MaxDatagramEcho}),
		one("echo the largest request", dgram(10, "/echo", strings.Repeat("y", protocol.MaxDatagramRequest-len("10 /echo\n"))), 10,
			Want{Status: 200, BodyLen: protocol.MaxDatagramRequest - len("10 /echo\n")}),
		one("stats", dgram(11, "/stats"), 11, Want{Status: 200, Check: func(t *testing.T, body []byte) {
			assert.Regexp(t, `^requests \d+\ndropped \d+\n$`, string(body))
		}}),
		{Name: "many in flight", Send: many, Want: manyWant},
		{Name: "waits and a quick one", Send: [][]byte{dgram(20, "/io?ms=50"), dgram(21, "/health")},
			Want: map[uint64]Want{20: {Status: 200, MinLatency: 50 * time.Millisecond}, 21: {Status: 200}}},
		refused("unknown path", 404, dgram(30, "/nope"), 30),
		refused("a file endpoint", 404, dgram(41, "/disk?kb=1"), 41),
		refused("a file", 404, dgram(42, "/files/x"), 42),
		refused("bad parameter", 400, dgram(31, "/cpu?us=abc"), 31),
		refused("parameter too large", 400, dgram(32, "/io?ms=60001"), 32),
		refused("unknown parameter", 400, dgram(33, "/io?ms=1&usec=2"), 33),
		refused("echo size beyond a datagram", 400, dgram(34, "/echo?size="+strconv.Itoa(protocol.MaxDatagramEcho+1)), 34),
		refused("body where none is taken", 400, dgram(35, "/health", "x"), 35),
		refused("body and size", 400, dgram(36, "/echo?size=3", "abc"), 36),
		refused("id alone", 400, []byte("37"), 37),
		refused("truncated", 400, []byte("38 /cpu?u"), 38),
		refused("too large", 413, dgram(39, "/echo", strings.Repeat("z", protocol.MaxDatagramRequest)), 39),
		refused("HTTP in a datagram", 400, []byte("40 GET /health HTTP/1.1\r\n\r\n"), 40),
		{Name: "no id: dropped", Send: [][]byte{[]byte("/health"), {}, []byte("x1 /health"), []byte("\x00\xff garbage")},
			Want: map[uint64]Want{}},
	}
}

// RunDatagrams runs every datagram case against the target at addr, which
// serves model; after the cases that drop, /stats must say so.
func RunDatagrams(t *testing.T, addr, model string) {
	t.Helper()
	for _, c := range DatagramCases(model) {
		t.Run(c.Name, func(t *testing.T) { RunDatagramCase(t, addr, model, c) })
	}
	t.Run("drops are counted", func(t *testing.T) {
		before := datagramStats(t, addr)
		RunDatagramCase(t, addr, model, DatagramCase{Send: [][]byte{{}, []byte("no id")}})
		after := datagramStats(t, addr)
		assert.GreaterOrEqual(t, after.dropped, before.dropped+2, "dropped datagrams counted in /stats")
	})
}

// RunDatagramCase runs one case from a fresh socket.
func RunDatagramCase(t *testing.T, addr, model string, c DatagramCase) {
	if c.Custom != nil {
		c.Custom(t, addr, model)
		return
	}
	conn := DialDatagrams(t, addr)
	start := time.Now()
	for _, d := range c.Send {
		_, err := conn.Write(d)
		require.NoError(t, err)
	}
	got := map[uint64]int{}
	// A case that wants no answer waits a little for one that must not
	// come; the others wait until every answer has come.
	wait := Timeout
	if len(c.Want) == 0 {
		wait = 200 * time.Millisecond
	}
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(wait)))
	buf := make([]byte, protocol.MaxDatagram+1)
	for len(got) < len(c.Want) || len(c.Want) == 0 {
		n, err := conn.Read(buf)
		if err != nil {
			if len(c.Want) == 0 {
				break
			}
			require.NoError(t, err, "answers so far: %v of %d", got, len(c.Want))
		}
		var a protocol.DatagramAnswer
		require.NoError(t, protocol.ParseDatagramAnswer(buf[:n], &a), "answer %q", truncate(buf[:n]))
		want, ok := c.Want[a.ID]
		require.True(t, ok, "an answer to id %d, which wants none: %q", a.ID, truncate(buf[:n]))
		got[a.ID]++
		require.Equal(t, 1, got[a.ID], "id %d answered twice", a.ID)
		checkDatagram(t, a.ID, want, &a, time.Since(start))
	}
}

func checkDatagram(t *testing.T, id uint64, want Want, a *protocol.DatagramAnswer, took time.Duration) {
	t.Helper()
	check(t, int(id), want, &protocol.Response{Status: a.Status, Body: a.Body, Close: a.Status >= 400}, took)
}

// DialDatagrams returns a UDP socket connected to addr, closed when the
// test ends.
func DialDatagrams(t *testing.T, addr string) *net.UDPConn {
	t.Helper()
	c, err := net.Dial("udp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c.(*net.UDPConn)
}

// counts is what a target's /stats says over datagrams.
type counts struct{ requests, dropped int64 }

func datagramStats(t *testing.T, addr string) counts {
	t.Helper()
	conn := DialDatagrams(t, addr)
	_, err := conn.Write(dgram(1, "/stats"))
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(Timeout)))
	buf := make([]byte, 512)
	n, err := conn.Read(buf)
	require.NoError(t, err)
	var a protocol.DatagramAnswer
	require.NoError(t, protocol.ParseDatagramAnswer(buf[:n], &a))
	var c counts
	_, err = fmt.Sscanf(string(a.Body), "requests %d\ndropped %d\n", &c.requests, &c.dropped)
	require.NoError(t, err, "%q", a.Body)
	return c
}

// AskDatagram sends one request and returns its answer, trying again
// (with a new id) every interval until Timeout: on a target that a flood
// left with a full buffer, a datagram may be dropped.
func AskDatagram(t *testing.T, addr, target string, interval time.Duration) protocol.DatagramAnswer {
	t.Helper()
	conn := DialDatagrams(t, addr)
	buf := make([]byte, protocol.MaxDatagram+1)
	deadline := time.Now().Add(Timeout)
	for id := uint64(1); time.Now().Before(deadline); id++ {
		_, err := conn.Write(dgram(id, target))
		require.NoError(t, err)
		conn.SetReadDeadline(time.Now().Add(interval))
		for {
			n, err := conn.Read(buf)
			if err != nil {
				break
			}
			var a protocol.DatagramAnswer
			if protocol.ParseDatagramAnswer(buf[:n], &a) == nil && a.ID == id {
				a.Body = bytes.Clone(a.Body)
				return a
			}
		}
	}
	require.FailNow(t, "no answer", "to %s within %s", target, Timeout)
	return protocol.DatagramAnswer{}
}

// ServeDatagrams runs srv in this process on a UDP socket of 127.0.0.1
// until the test ends, and returns its address. At the end of the test it
// stops the server and checks that ServeDatagrams returned cleanly.
func ServeDatagrams(t *testing.T, srv targets.DatagramServer) string {
	t.Helper()
	pc, err := targets.ListenDatagrams("127.0.0.1:0", srv)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.ServeDatagrams(ctx, pc) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err, "ServeDatagrams after the context ended")
		case <-time.After(Timeout):
			t.Error("ServeDatagrams did not return after the context ended")
		}
		pc.Close()
	})
	return pc.LocalAddr().String()
}

// RunDatagramSuites runs, as parallel subtests, the datagram conformance
// suite, the bad-input suite and the shutdown check, each against a
// server of its own from newSrv, which serves model: what every model
// that serves datagrams passes.
func RunDatagramSuites(t *testing.T, model string, newSrv func() targets.DatagramServer) {
	t.Helper()
	t.Run("conformance", func(t *testing.T) {
		t.Parallel()
		RunDatagrams(t, ServeDatagrams(t, newSrv()), model)
	})
	t.Run("bad input", func(t *testing.T) {
		t.Parallel()
		RunDatagramHostile(t, ServeDatagrams(t, newSrv()), model)
	})
	t.Run("shutdown", func(t *testing.T) {
		t.Parallel()
		CheckDatagramShutdown(t, newSrv())
	})
}
