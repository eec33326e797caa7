package conformancetest

import (
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/protocol"
)

// Hostile is the bad-input suite: every case is something a careless or
// malicious client sends. Each must get the right 4xx or 5xx (or a clean
// close), and the target must go on serving others.
func Hostile() []Case {
	refused := func(name string, status int, send ...string) Case {
		return Case{Name: name, Send: send, Want: []Want{{Status: status}}, Closed: true}
	}
	long := strings.Repeat("a", protocol.MaxHeaderBytes)
	manyHeaders := strings.Repeat("X-A: b\r\n", protocol.MaxHeaderBytes/8)
	body := func(h string) string { return "POST /echo HTTP/1.1\r\nHost: t\r\n" + h + "\r\n" }
	var pipelined []string
	var hundred []Want
	for i := range 100 {
		pipelined = append(pipelined, get(fmt.Sprintf("/cpu?n=%d", i+1)))
		hundred = append(hundred, Want{Status: 200, Check: checksumOf(uint64(i + 1))})
	}
	return []Case{
		refused("garbage", 400, "\x8f\x01\xff garbage \x00\r\n\r\n"),
		refused("TLS client hello", 400, "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n"),
		refused("only spaces", 400, "     \r\n\r\n"),
		refused("empty line first", 400, "\r\n"+get("/health")),
		refused("NUL in request line", 400, "GET /hea\x00lth HTTP/1.1\r\nHost: t\r\n\r\n"),
		refused("NUL in header", 400, "GET /health HTTP/1.1\r\nHost: t\x00\r\n\r\n"),
		refused("control character in target", 400, "GET /health\x01 HTTP/1.1\r\nHost: t\r\n\r\n"),
		refused("overlong request line", 431, "GET /"+long+" HTTP/1.1\r\nHost: t\r\n\r\n"),
		refused("overlong header", 431, get("/health", "X-Long: "+long+"\r\n")),
		refused("too many headers", 431, get("/health", manyHeaders)),
		refused("overlong and never ending", 431, "GET /"+long+long),
		refused("bare LF", 400, "GET /health HTTP/1.1\nHost: t\n\n"),
		refused("bare LF in headers", 400, "GET /health HTTP/1.1\r\nHost: t\nX: y\r\n\r\n"),
		refused("header without name", 400, get("/health", ": x\r\n")),
		refused("space in header name", 400, get("/health", "Bad Name: x\r\n")),
		refused("space before colon", 400, get("/health", "X-A : b\r\n")),
		refused("folded header", 400, get("/health", "X-A: b\r\n c\r\n")),
		refused("two Host headers", 400, get("/health", "Host: u\r\n")),
		refused("HTTP/1.1 without Host", 400, "GET /health HTTP/1.1\r\n\r\n"),
		refused("conflicting Content-Length", 400, body("Content-Length: 1\r\nContent-Length: 2\r\n")+"xy"),
		refused("Content-Length with Transfer-Encoding", 400, body("Content-Length: 3\r\nTransfer-Encoding: chunked\r\n")+"abc"),
		refused("chunked body", 501, body("Transfer-Encoding: chunked\r\n")+"3\r\nabc\r\n0\r\n\r\n"),
		refused("negative Content-Length", 400, body("Content-Length: -1\r\n")),
		refused("plus-signed Content-Length", 400, body("Content-Length: +1\r\n")+"x"),
		refused("Content-Length with inner space", 400, body("Content-Length: 1 0\r\n")),
		refused("non-numeric Content-Length", 400, body("Content-Length: ten\r\n")),
		refused("huge Content-Length", 413, body("Content-Length: 18446744073709551617\r\n")),
		refused("Content-Length just over the bound", 413, body("Content-Length: 1048577\r\n")),
		refused("negative parameter", 400, get("/cpu?us=-1")),
		refused("huge parameter", 400, get("/cpu?us=99999999999999999999999")),
		refused("non-numeric parameter", 400, get("/io?ms=ten")),
		refused("parameter without value", 400, get("/cpu?us")),
		refused("mix beyond its bound", 400, get("/mix?us=1000001&ms=1")),
		refused("cpu units beyond their bound", 400, get(fmt.Sprintf("/cpu?n=%d", protocol.MaxCPUUnits+1))),
		refused("echo size beyond its bound", 400, get("/echo?size=1048577")),
		refused("path traversal", 404, get("/../../etc/passwd")),
		refused("encoded path", 404, get("/health%00")),
		refused("unknown method", 405, "BREW /health HTTP/1.1\r\nHost: t\r\n\r\n"),
		refused("lower-case method", 405, "get /health HTTP/1.1\r\nHost: t\r\n\r\n"),
		refused("PUT echo", 405, "PUT /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n"),
		refused("HTTP/2 preface", 505, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
		refused("HTTP/3.0", 505, "GET /health HTTP/3.0\r\nHost: t\r\n\r\n"),
		refused("https absolute target", 400, "GET https://t/health HTTP/1.1\r\nHost: t\r\n\r\n"),
		{Name: "same Content-Length twice", Send: []string{body("Content-Length: 2\r\nContent-Length: 2\r\n") + "ok"},
			Want: []Want{{Status: 200, Body: "ok"}}},
		{Name: "HTTP/1.0 without Host", Send: []string{"GET /health HTTP/1.0\r\n\r\n"}, Want: []Want{{Status: 200}}, Closed: true},
		{Name: "HTTP/1.0 keep-alive", Send: []string{"GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" + get("/health")},
			Want: []Want{{Status: 200}, {Status: 200}}},
		{Name: "absolute target", Send: []string{"GET http://t/cpu?n=3 HTTP/1.1\r\nHost: t\r\n\r\n"},
			Want: []Want{{Status: 200, Check: checksumOf(3)}}},
		{Name: "long header value within bound", Send: []string{get("/health", "X-Long: "+long[:protocol.MaxHeaderBytes/2]+"\r\n")},
			Want: []Want{{Status: 200}}},
		{Name: "100 pipelined requests", Send: []string{strings.Join(pipelined, "")}, Want: hundred},
		{Name: "closes mid-body", Send: []string{body("Content-Length: 100\r\n") + "only ten.."}, HalfClose: true, Closed: true},
		{Name: "closes mid-headers", Send: []string{"GET /health HTTP/1.1\r\nHo"}, HalfClose: true, Closed: true},
		{Name: "half-close after request", Send: []string{get("/io?ms=20")}, HalfClose: true,
			Want: []Want{{Status: 200, Body: "ok\n"}}, Closed: true},
		{Name: "resets mid-response", Custom: resetMidResponse},
	}
}

// RunHostile runs the bad-input suite against the target at addr, checking
// after every case that the target still answers a well-behaved client.
func RunHostile(t *testing.T, addr, model string) {
	t.Helper()
	for _, c := range Hostile() {
		t.Run(c.Name, func(t *testing.T) {
			RunCase(t, addr, c)
			RunCase(t, addr, Case{Name: "still serving", Send: []string{get("/health", "Connection: close\r\n")},
				Want: []Want{{Status: 200, Body: model + "\n"}}, Closed: true})
		})
	}
}

// resetMidResponse asks for a large answer, reads a little of it and resets
// the connection (SO_LINGER 0), as a client that crashes does.
func resetMidResponse(t *testing.T, addr string) {
	conn, err := net.DialTimeout("tcp", addr, Timeout)
	require.NoError(t, err)
	require.NoError(t, conn.SetDeadline(time.Now().Add(Timeout)))
	_, err = io.WriteString(conn, get("/echo?size=1048576")+get("/echo?size=1048576"))
	require.NoError(t, err)
	buf := make([]byte, 1024)
	_, err = io.ReadFull(conn, buf)
	assert.NoError(t, err)
	require.NoError(t, conn.(*net.TCPConn).SetLinger(0))
	require.NoError(t, conn.Close())
}
