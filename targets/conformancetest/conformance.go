// Package conformancetest is the one suite of requests and expected answers that
// every target passes, ours and external ones alike. It speaks raw bytes over
// real sockets, so it checks what a client sees: pipelining, requests split
// across reads, keep-alive, Connection: close, bounds and bad input.
//
// A model's test starts the model on 127.0.0.1:0 and calls Run with its
// address; adding a model to the suite is that one call.
package conformancetest

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/work"
)

// Timeout bounds each case, so a target that hangs fails instead of stalling
// the suite.
const Timeout = 10 * time.Second

// Case is one conversation on a fresh connection.
type Case struct {
	Name string
	// Send is written chunk by chunk, with a short pause between chunks, so
	// the target sees them in separate reads.
	Send []string
	// Want is the responses expected, in order.
	Want []Want
	// Closed says the target must close the connection after the last one.
	Closed bool
	// SlowRead reads the answers a few KiB at a time with pauses, so the
	// target's writes are partial and it must keep what it could not send.
	SlowRead bool
	// HalfClose shuts down the client's sending side after Send.
	HalfClose bool
	// Custom, when set, replaces the conversation with its own.
	Custom func(t *testing.T, addr string)
}

// Want is one expected response.
type Want struct {
	Status int
	// Body, when set, is the exact body; BodyLen, when set, its length.
	Body    string
	BodyLen int
	// Check, when set, checks the body further.
	Check func(t *testing.T, body []byte)
	// MinLatency, when set, is the least time the answer may take.
	MinLatency time.Duration
	// KeepAlive says an error answer keeps the connection: a refusal of
	// what a well-formed request asked (no such file), not of the request.
	KeepAlive bool
}

func get(path string, headers ...string) string {
	return "GET " + path + " HTTP/1.1\r\nHost: t\r\n" + strings.Join(headers, "") + "\r\n"
}

func post(path, body string) string {
	return fmt.Sprintf("POST %s HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n\r\n%s", path, len(body), body)
}

// checksumOf checks that a /cpu body proves its work.
func checksumOf(units uint64) func(*testing.T, []byte) {
	return func(t *testing.T, body []byte) {
		u, sum, ok := protocol.ParseCPUBody(body)
		require.True(t, ok, "cpu body %q", body)
		if units > 0 {
			assert.Equal(t, units, u, "units of work")
		}
		assert.Equal(t, work.Spin(u), sum, "checksum of %d units", u)
	}
}

// Cases is the suite. model is the name /health must answer.
func Cases(model string) []Case {
	big := strings.Repeat("x", protocol.MaxBodyBytes)
	return []Case{
		{Name: "health", Send: []string{get("/health")}, Want: []Want{{Status: 200, Body: model + "\n"}}},
		{Name: "cpu by time", Send: []string{get("/cpu?us=200")}, Want: []Want{{Status: 200, Check: checksumOf(0)}}},
		{Name: "cpu by units", Send: []string{get("/cpu?n=12345")}, Want: []Want{{Status: 200, Check: checksumOf(12345)}}},
		{Name: "io waits", Send: []string{get("/io?ms=30")}, Want: []Want{{Status: 200, Body: "ok\n", MinLatency: 30 * time.Millisecond}}},
		{Name: "mix", Send: []string{get("/mix?us=100&ms=20")}, Want: []Want{{Status: 200, Check: checksumOf(0), MinLatency: 20 * time.Millisecond}}},
		{Name: "echo body", Send: []string{post("/echo", "hello, corobench")}, Want: []Want{{Status: 200, Body: "hello, corobench"}}},
		{Name: "echo size", Send: []string{get("/echo?size=100000")}, Want: []Want{{Status: 200, BodyLen: 100000}}},
		{Name: "echo 1 MiB", Send: []string{post("/echo", big)}, Want: []Want{{Status: 200, BodyLen: len(big)}}},
		{Name: "echo 1 MiB to a slow reader", Send: []string{post("/echo", big) + get("/health")},
			Want: []Want{{Status: 200, BodyLen: len(big)}, {Status: 200, Body: model + "\n"}}, SlowRead: true},
		{Name: "keep-alive", Send: []string{get("/health"), get("/cpu?n=10"), get("/io?ms=1")},
			Want: []Want{{Status: 200}, {Status: 200, Check: checksumOf(10)}, {Status: 200}}},
		{Name: "pipelined in one write", Send: []string{get("/io?ms=20") + get("/cpu?n=7") + post("/echo", "third")},
			Want: []Want{{Status: 200, Body: "ok\n"}, {Status: 200, Check: checksumOf(7)}, {Status: 200, Body: "third"}}},
		{Name: "split at every byte", Send: strings.Split(get("/cpu?n=99"), ""), Want: []Want{{Status: 200, Check: checksumOf(99)}}},
		{Name: "body in pieces", Send: []string{"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n01234", "56789"},
			Want: []Want{{Status: 200, Body: "0123456789"}}},
		{Name: "connection close", Send: []string{get("/health", "Connection: close\r\n")}, Want: []Want{{Status: 200}}, Closed: true},
		{Name: "HTTP/1.0 closes", Send: []string{"GET /health HTTP/1.0\r\n\r\n"}, Want: []Want{{Status: 200}}, Closed: true},
		{Name: "unknown path", Send: []string{get("/nope")}, Want: []Want{{Status: 404}}, Closed: true},
		{Name: "wrong method", Send: []string{"POST /cpu?us=1 HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n"}, Want: []Want{{Status: 405}}, Closed: true},
		{Name: "bad parameter", Send: []string{get("/cpu?us=abc")}, Want: []Want{{Status: 400}}, Closed: true},
		{Name: "parameter too large", Send: []string{get("/io?ms=60001")}, Want: []Want{{Status: 400}}, Closed: true},
		{Name: "unknown parameter", Send: []string{get("/io?ms=1&usec=2")}, Want: []Want{{Status: 400}}, Closed: true},
		{Name: "headers too large", Send: []string{get("/health", "X-Pad: "+strings.Repeat("a", protocol.MaxHeaderBytes)+"\r\n")},
			Want: []Want{{Status: 431}}, Closed: true},
		{Name: "body too large", Send: []string{"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1048577\r\n\r\n"},
			Want: []Want{{Status: 413}}, Closed: true},
		{Name: "chunked not implemented", Send: []string{"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
			Want: []Want{{Status: 501}}, Closed: true},
		{Name: "garbage", Send: []string{"\x00\x01garbage\r\n\r\n"}, Want: []Want{{Status: 400}}, Closed: true},
		{Name: "good then bad", Send: []string{get("/health") + get("/nope") + get("/health")},
			Want: []Want{{Status: 200}, {Status: 404}}, Closed: true},
	}
}

// Run runs every case against the target at addr, which serves model.
func Run(t *testing.T, addr, model string) {
	t.Helper()
	for _, c := range Cases(model) {
		t.Run(c.Name, func(t *testing.T) { RunCase(t, addr, c) })
	}
}

// RunCase runs one case on a fresh connection.
func RunCase(t *testing.T, addr string, c Case) {
	if c.Custom != nil {
		c.Custom(t, addr)
		return
	}
	conn, err := net.DialTimeout("tcp", addr, Timeout)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(Timeout)))
	start := time.Now()
	for i, chunk := range c.Send {
		if i > 0 {
			time.Sleep(time.Millisecond)
		}
		if _, err := io.WriteString(conn, chunk); err != nil {
			// A target may refuse early and close before all is sent.
			break
		}
	}
	if c.HalfClose {
		require.NoError(t, conn.(*net.TCPConn).CloseWrite())
	}
	var buf []byte
	tmp := make([]byte, 64<<10)
	if c.SlowRead {
		tmp = make([]byte, 8<<10)
	}
	for i, want := range c.Want {
		var resp protocol.Response
		for {
			n, err := protocol.ParseResponse(buf, &resp)
			require.NoError(t, err, "response %d", i)
			if n > 0 {
				check(t, i, want, &resp, time.Since(start))
				buf = buf[n:]
				break
			}
			if c.SlowRead {
				time.Sleep(time.Millisecond)
			}
			m, err := conn.Read(tmp)
			buf = append(buf, tmp[:m]...)
			if err != nil {
				require.NoError(t, err, "reading response %d of %d; got %q", i, len(c.Want), truncate(buf))
			}
		}
	}
	if c.Closed {
		m, err := conn.Read(tmp)
		if err == nil {
			t.Errorf("connection left open after the last answer; read %q", truncate(tmp[:m]))
		}
	}
}

func check(t *testing.T, i int, want Want, resp *protocol.Response, took time.Duration) {
	t.Helper()
	assert.Equal(t, want.Status, resp.Status, "status of response %d (body %q)", i, truncate(resp.Body))
	if want.Body != "" {
		assert.Equal(t, want.Body, string(resp.Body), "body of response %d", i)
	}
	if want.BodyLen > 0 {
		assert.Equal(t, want.BodyLen, len(resp.Body), "body length of response %d", i)
	}
	if want.Check != nil {
		want.Check(t, resp.Body)
	}
	if want.MinLatency > 0 {
		assert.GreaterOrEqual(t, took, want.MinLatency, "response %d came before its wait was over", i)
	}
	switch {
	case want.KeepAlive:
		assert.False(t, resp.Close, "response %d must keep the connection", i)
	case want.Status >= 400:
		assert.True(t, resp.Close, "error response %d must say Connection: close", i)
	}
}

func truncate(b []byte) []byte {
	if len(b) > 200 {
		return append(bytes.Clone(b[:200]), "..."...)
	}
	return b
}
