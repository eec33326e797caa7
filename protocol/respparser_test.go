package protocol

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parseAll feeds in to a parser in pieces of step bytes (all at once when
// step is 0), as a connection's reads would, dropping what it used, and
// then the connection's close when eof. It returns the response, whether
// it was whole, and the error.
func parseAll(in string, head bool, keep int, maxBody int64, step int, eof bool) (Response, bool, error) {
	p := ResponseParser{MaxBody: maxBody, Digests: true}
	p.Begin(head, keep)
	var buf []byte
	data := []byte(in)
	for len(data) > 0 {
		n := len(data)
		if step > 0 {
			n = min(step, n)
		}
		buf = append(buf, data[:n]...)
		data = data[n:]
		used, done, err := p.Parse(buf)
		if err != nil || done {
			if done && p.Resp.Body != nil {
				p.Resp.Body = bytes.Clone(p.Resp.Body)
			}
			return p.Resp, done, err
		}
		buf = append(buf[:0], buf[used:]...)
	}
	if eof {
		done, err := p.EOF()
		return p.Resp, done, err
	}
	return p.Resp, false, nil
}

func TestResponseParser(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", 100_000)
	tests := []struct {
		name    string
		in      string
		head    bool
		keep    int
		maxBody int64
		eof     bool // the connection closes after in

		status  int
		length  int64
		body    string // kept
		close   bool
		chunked bool
		err     error // nil: done
	}{
		{name: "content-length kept", in: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", keep: 10, status: 200, length: 5, body: "hello"},
		{name: "content-length streamed", in: "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + big, keep: 10, status: 200, length: 100_000},
		{name: "list of equal lengths", in: "HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\nabc", status: 200, length: 3},
		{name: "chunked with extensions and trailers", in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\nA \r\n0123456789\r\n0\r\nX-Sum: 1\r\nY: 2\r\n\r\n",
			status: 200, length: 15, chunked: true},
		{name: "chunked upper hex", in: "HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, Chunked\r\n\r\n1F\r\n" + big[:31] + "\r\n0\r\n\r\n", status: 200, length: 31, chunked: true},
		{name: "until close", in: "HTTP/1.1 200 OK\r\n\r\nall of it", eof: true, status: 200, length: 9, close: true},
		{name: "until close, not chunked coding", in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzz", eof: true, status: 200, length: 2, close: true},
		{name: "http/1.0 closes", in: "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", status: 200, length: 2, close: true},
		{name: "http/1.0 keep-alive", in: "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok", status: 200, length: 2},
		{name: "connection close among options", in: "HTTP/1.1 200 OK\r\nConnection: upgrade, Close\r\nContent-Length: 0\r\n\r\n", status: 200, close: true},
		{name: "204 ignores length", in: "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n", status: 204},
		{name: "304", in: "HTTP/1.1 304 Not Modified\r\nETag: x\r\n\r\n", status: 304},
		{name: "HEAD", in: "HTTP/1.1 200 OK\r\nContent-Length: 3000000\r\n\r\n", head: true, status: 200},
		{name: "interim answers skipped", in: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", status: 200, length: 1},
		{name: "switching protocols ends HTTP", in: "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n", status: 101, close: true},
		{name: "corobench's own", in: string(AppendResponse(nil, 200, false, []byte("hi"))), keep: 10, status: 200, length: 2, body: "hi"},

		{name: "cut short", in: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel", eof: true, err: io.ErrUnexpectedEOF},
		{name: "chunked cut short", in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhe", eof: true, err: io.ErrUnexpectedEOF},
		{name: "length and chunked", in: "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", err: ErrMalformedResponse},
		{name: "conflicting lengths", in: "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", err: ErrMalformedResponse},
		{name: "bad length", in: "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", err: ErrMalformedResponse},
		{name: "bad status", in: "HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n", err: ErrMalformedResponse},
		{name: "not http", in: "SMTP 220 hello\r\n\r\n", err: ErrMalformedResponse},
		{name: "folded header", in: "HTTP/1.1 200 OK\r\nA: b\r\n c\r\nContent-Length: 0\r\n\r\n", err: ErrMalformedResponse},
		{name: "no colon", in: "HTTP/1.1 200 OK\r\nno colon\r\nContent-Length: 0\r\n\r\n", err: ErrMalformedResponse},
		{name: "bad chunk size", in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", err: ErrMalformedResponse},
		{name: "missing chunk CRLF", in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nxyz", err: ErrMalformedResponse},
		{name: "bare LF chunk line", in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\nx", err: ErrMalformedResponse},

		{name: "length beyond the bound", in: "HTTP/1.1 200 OK\r\nContent-Length: 1001\r\n\r\n", maxBody: 1000, err: ErrBodyTooLarge},
		{name: "length that overflows", in: "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999999\r\n\r\n", err: ErrBodyTooLarge},
		{name: "chunk size that overflows", in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffffffff\r\n", err: ErrBodyTooLarge},
		{name: "chunks beyond the bound", in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + strings.Repeat("100\r\n"+big[:256]+"\r\n", 5), maxBody: 1000, err: ErrBodyTooLarge},
		{name: "until close beyond the bound", in: "HTTP/1.1 200 OK\r\n\r\n" + big[:1001], maxBody: 1000, err: ErrBodyTooLarge},
		{name: "endless head", in: "HTTP/1.1 200 OK\r\n" + strings.Repeat("X: y\r\n", MaxResponseHead/6+1), err: ErrHeadTooLarge},
		{name: "endless chunk line", in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;" + strings.Repeat("e", MaxChunkLine), err: ErrChunkLineTooLong},
		{name: "endless trailers", in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n" + strings.Repeat("T: "+big[:100]+"\r\n", MaxResponseHead/100), err: ErrTrailersTooLarge},
		{name: "endless interim answers", in: strings.Repeat("HTTP/1.1 100 Continue\r\n\r\n", MaxInterim+1), err: ErrTooManyInterim},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, step := range []int{0, 1, 7, 4096} {
				resp, done, err := parseAll(tt.in, tt.head, tt.keep, tt.maxBody, step, tt.eof)
				if tt.err != nil {
					require.ErrorIs(t, err, tt.err, "step %d", step)
					continue
				}
				require.NoError(t, err, "step %d", step)
				require.True(t, done, "step %d", step)
				assert.Equal(t, tt.status, resp.Status, "step %d", step)
				assert.Equal(t, tt.length, resp.Length, "step %d", step)
				assert.Equal(t, tt.close, resp.Close, "step %d", step)
				assert.Equal(t, tt.chunked, resp.Chunked, "step %d", step)
				if tt.body != "" {
					assert.Equal(t, tt.body, string(resp.Body), "step %d", step)
				} else {
					assert.Nil(t, resp.Body, "step %d", step)
				}
				if !tt.eof {
					assert.Equal(t, int64(len(tt.in)), resp.Size, "step %d: every byte is the response's", step)
				}
			}
		})
	}
}

// Responses follow each other on a connection: what one leaves is the
// start of the next.
func TestResponseParserPipelined(t *testing.T) {
	t.Parallel()
	in := []byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" +
		"HTTP/1.1 204 No Content\r\n\r\n" + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")
	var p ResponseParser
	var statuses []int
	for len(in) > 0 {
		p.Begin(false, 16)
		n, done, err := p.Parse(in)
		require.NoError(t, err)
		require.True(t, done)
		statuses = append(statuses, p.Resp.Status)
		in = in[n:]
	}
	assert.Equal(t, []int{200, 204, 200}, statuses)
	assert.Equal(t, "hi", string(p.Resp.Body))
}

// Corobench's targets say so, and nothing else does.
func TestResponseCorobench(t *testing.T) {
	t.Parallel()
	var resp Response
	_, err := ParseResponse(AppendResponse(nil, 200, false, nil), &resp)
	require.NoError(t, err)
	assert.True(t, resp.Corobench)
	_, err = ParseResponse([]byte("HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 0\r\n\r\n"), &resp)
	require.NoError(t, err)
	assert.False(t, resp.Corobench)
}

// BenchmarkResponseParser is the load generator's work per answer: a
// corobench /health answer parsed whole, its body kept.
func BenchmarkResponseParser(b *testing.B) {
	in := []byte("HTTP/1.1 200 OK\r\nServer: corobench\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\neventloop\n")
	var p ResponseParser
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		p.Begin(false, 64)
		if used, done, err := p.Parse(in); err != nil || !done || used != len(in) {
			b.Fatal(used, done, err)
		}
	}
}
