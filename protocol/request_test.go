package protocol

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     string
		want   Request
		status int // expected error status; 0 for success
	}{
		{name: "health", in: "GET /health HTTP/1.1\r\nHost: a\r\n\r\n",
			want: Request{Method: MethodGet, Endpoint: EndpointHealth}},
		{name: "cpu us", in: "GET /cpu?us=250 HTTP/1.1\r\nHost: a\r\n\r\n",
			want: Request{Method: MethodGet, Endpoint: EndpointCPU, CPUMicros: 250}},
		{name: "cpu units", in: "GET /cpu?n=99 HTTP/1.1\r\nHost: a\r\n\r\n",
			want: Request{Method: MethodGet, Endpoint: EndpointCPU, CPUUnits: 99}},
		{name: "io", in: "GET /io?ms=10 HTTP/1.1\r\nHost: a\r\n\r\n",
			want: Request{Method: MethodGet, Endpoint: EndpointIO, WaitMillis: 10}},
		{name: "mix", in: "GET /mix?ms=3&us=40 HTTP/1.1\r\nHost: a\r\n\r\n",
			want: Request{Method: MethodGet, Endpoint: EndpointMix, WaitMillis: 3, CPUMicros: 40}},
		{name: "echo size", in: "GET /echo?size=5 HTTP/1.1\r\nHost: a\r\n\r\n",
			want: Request{Method: MethodGet, Endpoint: EndpointEcho, Size: 5}},
		{name: "echo post", in: "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc",
			want: Request{Method: MethodPost, Endpoint: EndpointEcho, Body: []byte("abc")}},
		{name: "close", in: "GET /health HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Close\r\n\r\n",
			want: Request{Method: MethodGet, Endpoint: EndpointHealth, Close: true}},
		{name: "http 1.0 closes", in: "GET /health HTTP/1.0\r\n\r\n",
			want: Request{Method: MethodGet, Endpoint: EndpointHealth, Close: true}},
		{name: "http 1.0 keep-alive", in: "GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
			want: Request{Method: MethodGet, Endpoint: EndpointHealth}},
		{name: "absolute form", in: "GET http://a:80/io?ms=1 HTTP/1.1\r\nHost: a\r\n\r\n",
			want: Request{Method: MethodGet, Endpoint: EndpointIO, WaitMillis: 1}},
		{name: "header case and spaces", in: "GET /health HTTP/1.1\r\nhOsT:   a  \r\ncontent-length:0\r\n\r\n",
			want: Request{Method: MethodGet, Endpoint: EndpointHealth}},
		{name: "same length twice", in: "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
			want: Request{Method: MethodPost, Endpoint: EndpointEcho, Body: []byte("x")}},
		{name: "files list", in: "GET /files/ HTTP/1.1\r\nHost: a\r\n\r\n",
			want: Request{Method: MethodGet, Endpoint: EndpointFiles, Name: []byte{}}},
		{name: "files get", in: "GET /files/a.txt HTTP/1.1\r\nHost: a\r\n\r\n",
			want: Request{Method: MethodGet, Endpoint: EndpointFiles, Name: []byte("a.txt")}},
		{name: "files name undecoded", in: "DELETE /files/%2e%2e HTTP/1.1\r\nHost: a\r\n\r\n",
			want: Request{Method: MethodDelete, Endpoint: EndpointFiles, Name: []byte("%2e%2e")}},
		{name: "files put streams", in: "PUT /files/big HTTP/1.1\r\nHost: a\r\nContent-Length: 5000000000\r\n\r\n",
			want: Request{Method: MethodPut, Endpoint: EndpointFiles, Name: []byte("big"), Stream: true, StreamLength: 5_000_000_000}},
		{name: "files put empty", in: "PUT /files/e HTTP/1.1\r\nHost: a\r\n\r\n",
			want: Request{Method: MethodPut, Endpoint: EndpointFiles, Name: []byte("e"), Stream: true}},
		{name: "disk", in: "GET /disk?kb=64&sync=1 HTTP/1.1\r\nHost: a\r\n\r\n",
			want: Request{Method: MethodGet, Endpoint: EndpointDisk, DiskKB: 64, DiskSync: true}},
		{name: "files put too large", in: "PUT /files/big HTTP/1.1\r\nHost: a\r\nContent-Length: 1099511627777\r\n\r\n", status: 413},
		{name: "files put list", in: "PUT /files/ HTTP/1.1\r\nHost: a\r\n\r\n", status: 405},
		{name: "files post", in: "POST /files/a HTTP/1.1\r\nHost: a\r\n\r\n", status: 405},
		{name: "files param", in: "GET /files/a?x=1 HTTP/1.1\r\nHost: a\r\n\r\n", status: 400},
		{name: "files without slash", in: "GET /files HTTP/1.1\r\nHost: a\r\n\r\n", status: 404},
		{name: "delete health", in: "DELETE /health HTTP/1.1\r\nHost: a\r\n\r\n", status: 405},
		{name: "disk without kb", in: "GET /disk HTTP/1.1\r\nHost: a\r\n\r\n", status: 400},
		{name: "disk too large", in: "GET /disk?kb=65537 HTTP/1.1\r\nHost: a\r\n\r\n", status: 400},
		{name: "disk sync 2", in: "GET /disk?kb=1&sync=2 HTTP/1.1\r\nHost: a\r\n\r\n", status: 400},

		{name: "unknown path", in: "GET /etc/passwd HTTP/1.1\r\nHost: a\r\n\r\n", status: 404},
		{name: "post to cpu", in: "POST /cpu?us=1 HTTP/1.1\r\nHost: a\r\n\r\n", status: 405},
		{name: "unknown method", in: "BREW /health HTTP/1.1\r\nHost: a\r\n\r\n", status: 405},
		{name: "no host", in: "GET /health HTTP/1.1\r\n\r\n", status: 400},
		{name: "two hosts", in: "GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", status: 400},
		{name: "http 2", in: "GET /health HTTP/2.0\r\nHost: a\r\n\r\n", status: 505},
		{name: "bad version", in: "GET /health HTTX/1.1\r\nHost: a\r\n\r\n", status: 400},
		{name: "missing version", in: "GET /health\r\nHost: a\r\n\r\n", status: 400},
		{name: "double space", in: "GET  /health HTTP/1.1\r\nHost: a\r\n\r\n", status: 400},
		{name: "relative target", in: "GET health HTTP/1.1\r\nHost: a\r\n\r\n", status: 400},
		{name: "us too large", in: "GET /cpu?us=1000001 HTTP/1.1\r\nHost: a\r\n\r\n", status: 400},
		{name: "ms too large", in: "GET /io?ms=60001 HTTP/1.1\r\nHost: a\r\n\r\n", status: 400},
		{name: "negative ms", in: "GET /io?ms=-1 HTTP/1.1\r\nHost: a\r\n\r\n", status: 400},
		{name: "empty ms", in: "GET /io?ms= HTTP/1.1\r\nHost: a\r\n\r\n", status: 400},
		{name: "missing ms", in: "GET /io HTTP/1.1\r\nHost: a\r\n\r\n", status: 400},
		{name: "cpu without work", in: "GET /cpu HTTP/1.1\r\nHost: a\r\n\r\n", status: 400},
		{name: "mix without us", in: "GET /mix?ms=1 HTTP/1.1\r\nHost: a\r\n\r\n", status: 400},
		{name: "duplicate param", in: "GET /io?ms=1&ms=2 HTTP/1.1\r\nHost: a\r\n\r\n", status: 400},
		{name: "unknown param", in: "GET /io?ms=1&x=2 HTTP/1.1\r\nHost: a\r\n\r\n", status: 400},
		{name: "size too large", in: "GET /echo?size=1048577 HTTP/1.1\r\nHost: a\r\n\r\n", status: 400},
		{name: "body too large", in: "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1048577\r\n\r\n", status: 413},
		{name: "huge length", in: "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n", status: 413},
		{name: "negative length", in: "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", status: 400},
		{name: "conflicting lengths", in: "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxy", status: 400},
		{name: "smuggling", in: "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\nx", status: 400},
		{name: "chunked", in: "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", status: 501},
		{name: "bare LF", in: "GET /health HTTP/1.1\nHost: a\n\n", status: 400},
		{name: "bare LF in header", in: "GET /health HTTP/1.1\r\nHost: a\nX: y\r\n\r\n", status: 400},
		{name: "NUL in header", in: "GET /health HTTP/1.1\r\nHost: a\x00\r\n\r\n", status: 400},
		{name: "space before colon", in: "GET /health HTTP/1.1\r\nHost : a\r\n\r\n", status: 400},
		{name: "folded header", in: "GET /health HTTP/1.1\r\nHost: a\r\n b\r\n\r\n", status: 400},
		{name: "no colon", in: "GET /health HTTP/1.1\r\nHost a\r\n\r\n", status: 400},
		{name: "garbage", in: "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", status: 400},
		{name: "post echo with size", in: "POST /echo?size=3 HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", status: 400},
		{name: "headers too large", in: "GET /health HTTP/1.1\r\nHost: a\r\nX: " + strings.Repeat("a", MaxHeaderBytes) + "\r\n\r\n", status: 431},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var req Request
			n, err := ParseRequest([]byte(tt.in), &req)
			if tt.status != 0 {
				var pe *Error
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, tt.status, pe.Status, "reason: %s", pe.Reason)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, len(tt.in), n)
			if tt.want.Body == nil {
				tt.want.Body = []byte{}
			}
			assert.Equal(t, tt.want, req)
		})
	}
}

// A request arrives in two reads, split at every possible byte: every prefix
// asks for more, and the whole parses to the same request.
func TestParseRequestSplitAtEveryByte(t *testing.T) {
	t.Parallel()
	in := []byte("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello")
	for cut := range len(in) {
		var req Request
		n, err := ParseRequest(in[:cut], &req)
		require.NoError(t, err, "prefix of %d bytes", cut)
		require.Zero(t, n, "prefix of %d bytes", cut)
	}
	var req Request
	n, err := ParseRequest(in, &req)
	require.NoError(t, err)
	assert.Equal(t, len(in), n)
	assert.Equal(t, "hello", string(req.Body))
}

// Three pipelined requests in one read parse one after the other.
func TestParseRequestPipelined(t *testing.T) {
	t.Parallel()
	in := []byte("GET /io?ms=1 HTTP/1.1\r\nHost: a\r\n\r\n" +
		"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi" +
		"GET /health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n" +
		"GET /hea") // and the start of a fourth
	want := []Endpoint{EndpointIO, EndpointEcho, EndpointHealth}
	for i, ep := range want {
		var req Request
		n, err := ParseRequest(in, &req)
		require.NoError(t, err)
		require.Positive(t, n, "request %d", i)
		assert.Equal(t, ep, req.Endpoint)
		in = in[n:]
	}
	var req Request
	n, err := ParseRequest(in, &req)
	assert.NoError(t, err)
	assert.Zero(t, n, "a partial fourth request waits for more")
}

func TestParseRequestHeaderBound(t *testing.T) {
	t.Parallel()
	// Exactly at the bound still parses; one byte more is refused, even
	// before the blank line arrives.
	prefix := "GET /health HTTP/1.1\r\nHost: a\r\nX: "
	pad := MaxHeaderBytes - len(prefix) - len("\r\n\r\n")
	atBound := prefix + strings.Repeat("a", pad) + "\r\n\r\n"
	require.Len(t, atBound, MaxHeaderBytes)
	var req Request
	n, err := ParseRequest([]byte(atBound), &req)
	require.NoError(t, err)
	assert.Equal(t, MaxHeaderBytes, n)

	over := prefix + strings.Repeat("a", pad+1)
	for _, in := range []string{over + "\r\n\r\n", over + "\r\naa"} {
		_, err = ParseRequest([]byte(in), &req)
		var pe *Error
		require.ErrorAs(t, err, &pe, "%d bytes", len(in))
		assert.Equal(t, 431, pe.Status)
	}
}

func TestParseRequestBodyBound(t *testing.T) {
	t.Parallel()
	body := strings.Repeat("b", MaxBodyBytes)
	in := "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1048576\r\n\r\n" + body
	var req Request
	n, err := ParseRequest([]byte(in), &req)
	require.NoError(t, err)
	assert.Equal(t, len(in), n)
	assert.Len(t, req.Body, MaxBodyBytes)
}

func BenchmarkParseRequest(b *testing.B) {
	in := []byte("GET /cpu?us=100 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: wrk\r\nAccept: */*\r\n\r\n")
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	var req Request
	for b.Loop() {
		if _, err := ParseRequest(in, &req); err != nil {
			b.Fatal(err)
		}
	}
}
