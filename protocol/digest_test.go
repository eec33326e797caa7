package protocol

import (
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// reprDigest is the Repr-Digest value of body.
func reprDigest(body string) string {
	sum := sha256.Sum256([]byte(body))
	return "sha-256=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":"
}

// feed gives in to p in pieces of step bytes, as a connection's reads
// would, then the close when eof; it returns whether the response was
// whole.
func feed(t *testing.T, p *ResponseParser, in string, step int, eof bool) bool {
	t.Helper()
	var buf []byte
	for data := []byte(in); len(data) > 0; {
		n := min(step, len(data))
		buf, data = append(buf, data[:n]...), data[n:]
		used, done, err := p.Parse(buf)
		require.NoError(t, err)
		if done {
			return true
		}
		buf = append(buf[:0], buf[used:]...)
	}
	if !eof {
		return false
	}
	done, err := p.EOF()
	require.NoError(t, err)
	return done
}

// A body is checked against the SHA-256 its answer announces, however it
// is framed and however it arrives; an answer that announces none, or
// another algorithm only, is not hashed.
func TestResponseDigest(t *testing.T) {
	t.Parallel()
	body := strings.Repeat("0123456789abcdef", 5000) // 80,000 bytes: many reads
	ok, wrong := reprDigest(body), reprDigest(body[1:])
	cl := func(digest, b string) string {
		return "HTTP/1.1 200 OK\r\nContent-Length: " + strconv.Itoa(len(b)) + "\r\nRepr-Digest: " + digest + "\r\n\r\n" + b
	}
	chunked := "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nrepr-digest: " + ok + "\r\n\r\n" +
		"9c40\r\n" + body[:40000] + "\r\n9c40\r\n" + body[40000:] + "\r\n0\r\n\r\n"
	tests := []struct {
		name    string
		in      string
		off     bool // the parser does not verify digests
		head    bool
		keep    int
		eof     bool
		want    DigestCheck
		hashing bool // the parser hashed
	}{
		{name: "content-length", in: cl(ok, body), want: DigestOK, hashing: true},
		{name: "content-length kept", in: cl(reprDigest("hi"), "hi"), keep: 10, want: DigestOK, hashing: true},
		{name: "chunked", in: chunked, want: DigestOK, hashing: true},
		{name: "until close", in: "HTTP/1.1 200 OK\r\nRepr-Digest: " + ok + "\r\n\r\n" + body, eof: true, want: DigestOK, hashing: true},
		{name: "empty body", in: cl(reprDigest(""), ""), want: DigestOK, hashing: true},
		{name: "among other algorithms", in: cl("sha-512=:AAAA:, sha-256="+ok[len("sha-256="):], body), want: DigestOK, hashing: true},
		{name: "wrong digest", in: cl(wrong, body), want: DigestBad, hashing: true},
		{name: "body shorter than its file", in: cl(ok, body[:1000]), want: DigestBad, hashing: true},
		{name: "until close, cut short", in: "HTTP/1.1 200 OK\r\nRepr-Digest: " + ok + "\r\n\r\n" + body[:5000], eof: true, want: DigestBad, hashing: true},
		{name: "digest not base64", in: cl("sha-256=:"+strings.Repeat("!", 44)+":", body), want: DigestBad},
		{name: "digest too short", in: cl("sha-256=:AAAA:", body), want: DigestBad},
		{name: "digest without colons", in: cl("sha-256="+ok[len("sha-256=:"):len(ok)-1], body), want: DigestBad},
		{name: "no digest", in: "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", want: DigestNone},
		{name: "another algorithm only", in: cl("sha-512=:AAAA:", body), want: DigestNone},
		{name: "not asked", in: cl(wrong, body), off: true, want: DigestNone},
		{name: "HEAD", in: "HTTP/1.1 200 OK\r\nContent-Length: 80000\r\nRepr-Digest: " + ok + "\r\n\r\n", head: true, want: DigestNone},
		{name: "304", in: "HTTP/1.1 304 Not Modified\r\nRepr-Digest: " + ok + "\r\n\r\n", want: DigestNone},
	}
	for _, tt := range tests {
		for _, step := range []int{1 << 20, 16 << 10, 7} {
			t.Run(tt.name+"/"+strconv.Itoa(step), func(t *testing.T) {
				t.Parallel()
				p := ResponseParser{Digests: !tt.off}
				p.Begin(tt.head, tt.keep)
				require.True(t, feed(t, &p, tt.in, step, tt.eof), "whole")
				assert.Equal(t, tt.want, p.Resp.Digest)
				assert.Equal(t, tt.hashing, p.sha != nil, "hashed")
			})
		}
	}
}

// Verifying digests allocates nothing per answer: an answer without the
// header costs nothing at all, and one with it reuses the connection's
// hash.
func TestResponseDigestAllocatesNothing(t *testing.T) {
	body := strings.Repeat("x", 40000)
	for _, in := range []string{
		"HTTP/1.1 200 OK\r\nContent-Length: 40000\r\n\r\n" + body,
		"HTTP/1.1 200 OK\r\nContent-Length: 40000\r\nRepr-Digest: " + reprDigest(body) + "\r\n\r\n" + body,
	} {
		buf := []byte(in)
		p := ResponseParser{Digests: true}
		once := func() {
			p.Begin(false, 0)
			if _, done, err := p.Parse(buf); err != nil || !done || p.Resp.Digest == DigestBad {
				t.Fatalf("parse: %v %v %v", done, err, p.Resp.Digest)
			}
		}
		once()
		assert.Zero(t, testing.AllocsPerRun(200, once))
	}
}
