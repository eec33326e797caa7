package protocol

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
)

// The errors of a response a client cannot read; after any of them the
// connection cannot be read further. Each bound has its own, so that a
// client can say which bound a server passed.
var (
	// ErrMalformedResponse is a response that is not HTTP/1.1 (RFC 9112).
	ErrMalformedResponse = errors.New("protocol: malformed response")
	// ErrHeadTooLarge is a status line and headers longer than
	// MaxResponseHead.
	ErrHeadTooLarge = errors.New("protocol: response head over its bound")
	// ErrBodyTooLarge is a body longer than the parser's MaxBody, announced
	// (Content-Length, a chunk size, however large) or received.
	ErrBodyTooLarge = errors.New("protocol: response body over its bound")
	// ErrChunkLineTooLong is a chunk-size line (with its extensions) longer
	// than MaxChunkLine.
	ErrChunkLineTooLong = errors.New("protocol: chunk-size line over its bound")
	// ErrTrailersTooLarge is a chunked body's trailer section longer than
	// MaxResponseHead.
	ErrTrailersTooLarge = errors.New("protocol: trailers over their bound")
	// ErrTooManyInterim is more than MaxInterim 1xx answers before the
	// final one.
	ErrTooManyInterim = errors.New("protocol: too many interim (1xx) responses")
)

// The bounds of a response a client accepts. Together they bound what a
// connection holds: the head whole, a chunk-size or trailer line whole, a
// kept body whole (see ResponseParser.Begin); every other body byte is
// counted and dropped as it arrives.
const (
	// MaxResponseHead bounds a response's status line and headers, and
	// apart its trailers.
	MaxResponseHead = 64 << 10
	// MaxChunkLine bounds a chunk-size line, extensions included, and each
	// trailer line.
	MaxChunkLine = 4 << 10
	// MaxInterim bounds the 1xx answers before a final response.
	MaxInterim = 16
	// DefaultMaxBody is the body bound of a parser whose MaxBody is zero.
	DefaultMaxBody = 64 << 20
)

// MaxResponseBody bounds the body of a response ParseResponse accepts: the
// largest a corobench target sends.
const MaxResponseBody = MaxBodyBytes + 1<<10

// Response is one parsed response.
type Response struct {
	Status int
	// Body is the body when the parser was asked to keep it and it came
	// whole within the bound, delimited by Content-Length; it aliases the
	// buffer given to Parse. Otherwise it is nil, and only Length says
	// how long the body was.
	Body []byte
	// Length is the body's length in bytes, as received (chunked: the sum
	// of the chunks).
	Length int64
	// Size is the response's length on the wire: 1xx heads, head, body,
	// chunk framing and trailers.
	Size int64
	// Close says the server closes the connection after this response:
	// Connection: close, an HTTP/1.0 answer without keep-alive, a body
	// delimited by the close, or a switch of protocols (101).
	Close bool
	// Chunked says the body came in chunks.
	Chunked bool
	// Corobench says the server is a corobench target (Server: corobench),
	// whose answers carry proofs of their work.
	Corobench bool
	// Digest says whether the body matched the SHA-256 its Repr-Digest
	// header announced, when the parser verifies digests (see
	// ResponseParser.Digests).
	Digest DigestCheck
}

// DigestCheck is what became of a response's announced digest.
type DigestCheck uint8

// The outcomes of a digest check.
const (
	// DigestNone: no digest announced (or another algorithm than
	// SHA-256, or not asked to verify); the body was not hashed.
	DigestNone DigestCheck = iota
	// DigestPending: the body is being hashed.
	DigestPending
	// DigestOK: the body's SHA-256 is the one announced.
	DigestOK
	// DigestBad: it is not, or the announced one is not a SHA-256.
	DigestBad
)

// digestSize is the length of a SHA-256.
const digestSize = sha256.Size

// ParseResponse parses the first response in buf whole: it returns the
// bytes the response used, 0 with a nil error when more bytes are needed,
// or an error. Its body is kept (a Content-Length body of at most
// MaxResponseBody bytes, as every corobench target sends). A chunked body is
// parsed but not kept; a body delimited by the connection's close is never
// whole here (see ResponseParser.EOF).
func ParseResponse(buf []byte, resp *Response) (int, error) {
	p := ResponseParser{MaxBody: MaxResponseBody}
	p.Begin(false, MaxResponseBody)
	n, done, err := p.Parse(buf)
	if err != nil || !done {
		return 0, err
	}
	*resp = p.Resp
	return n, nil
}

// parseHead parses a head (status line and headers, the final CRLF
// excluded) into p's response and framing.
func (p *ResponseParser) parseHead(head []byte) error {
	line, rest := cutLine(head)
	// HTTP/1.1 200 OK
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' ||
		(line[7] != '1' && line[7] != '0') || (len(line) > 12 && line[12] != ' ') {
		return ErrMalformedResponse
	}
	status, ok := parseStatus(line[9:12])
	if !ok {
		return ErrMalformedResponse
	}
	r := &p.Resp
	r.Status = status
	http10 := line[7] == '0'
	var (
		length           int64 = -1
		chunked, coded   bool
		close, keepAlive bool
		digest           DigestCheck
	)
	for len(rest) > 0 {
		var hl []byte
		hl, rest = cutLine(rest)
		if len(hl) == 0 || hl[0] == ' ' || hl[0] == '\t' {
			return ErrMalformedResponse // obsolete line folding
		}
		name, value, ok := bytes.Cut(hl, []byte{':'})
		if !ok || len(name) == 0 {
			return ErrMalformedResponse
		}
		value = trimSpace(value)
		switch name[0] | 0x20 {
		case 'c':
			switch {
			case bytes.EqualFold(name, []byte("Content-Length")):
				n, err := p.contentLength(value)
				if err != nil {
					return err
				}
				if length >= 0 && n != length {
					return ErrMalformedResponse
				}
				length = n
			case bytes.EqualFold(name, []byte("Connection")):
				c, k := connectionOptions(value)
				close, keepAlive = close || c, keepAlive || k
			}
		case 't':
			if bytes.EqualFold(name, []byte("Transfer-Encoding")) {
				// The codings are a list; chunked must be the last.
				coded = true
				chunked = lastToken(value, []byte("chunked"))
			}
		case 's':
			if bytes.EqualFold(name, []byte("Server")) {
				r.Corobench = bytes.Equal(value, []byte(ServerName))
			}
		case 'r':
			if p.Digests && bytes.EqualFold(name, []byte("Repr-Digest")) {
				digest = p.reprDigest(value)
			}
		}
	}
	bodyless := status < 200 || p.head || status == 204 || status == 304
	if digest != DigestNone && !bodyless {
		p.expectDigest(digest)
	}
	r.Close = close || (http10 && !keepAlive)
	switch {
	case status == 101:
		r.Close = true // the connection speaks another protocol now
		p.state = stDone
	case bodyless:
		p.state = stDone
	case coded && length >= 0:
		// RFC 9112, 6.3: a sign of smuggling, to be handled as an error.
		return ErrMalformedResponse
	case coded && chunked:
		r.Chunked = true
		p.state = stChunkSize
	case coded, length < 0:
		r.Close = true
		p.state = stUntilClose
	case length == 0:
		p.state = stDone
	case length <= int64(p.keep):
		p.left = length
		p.state = stKeep
	default:
		p.left = length
		p.state = stBody
	}
	return nil
}

// contentLength reads a Content-Length value: digits, or a list of equal
// ones (RFC 9110, 8.6).
func (p *ResponseParser) contentLength(v []byte) (int64, error) {
	n := int64(-1)
	for len(v) > 0 {
		var one []byte
		one, v, _ = bytes.Cut(v, []byte{','})
		one = trimSpace(one)
		if len(one) == 0 {
			return 0, ErrMalformedResponse
		}
		var m int64
		for _, c := range one {
			if !isDigit(c) {
				return 0, ErrMalformedResponse
			}
			if m = m*10 + int64(c-'0'); m > p.maxBody() {
				return 0, ErrBodyTooLarge
			}
		}
		if n >= 0 && m != n {
			return 0, ErrMalformedResponse
		}
		n = m
	}
	if n < 0 {
		return 0, ErrMalformedResponse
	}
	return n, nil
}

// connectionOptions reads a Connection header's close and keep-alive.
func connectionOptions(v []byte) (close, keepAlive bool) {
	for len(v) > 0 {
		var opt []byte
		opt, v, _ = bytes.Cut(v, []byte{','})
		opt = trimSpace(opt)
		close = close || bytes.EqualFold(opt, []byte("close"))
		keepAlive = keepAlive || bytes.EqualFold(opt, []byte("keep-alive"))
	}
	return close, keepAlive
}

// lastToken reports whether the last element of the list v is tok (case
// insensitive), its parameters aside.
func lastToken(v, tok []byte) bool {
	if i := bytes.LastIndexByte(v, ','); i >= 0 {
		v = v[i+1:]
	}
	v, _, _ = bytes.Cut(v, []byte{';'})
	return bytes.EqualFold(trimSpace(v), tok)
}

// expectDigest sets the response's digest check; a pending one starts
// hashing its body.
func (p *ResponseParser) expectDigest(d DigestCheck) {
	p.Resp.Digest = d
	if d != DigestPending {
		return
	}
	if p.sha == nil {
		p.sha = sha256.New()
	}
	p.sha.Reset()
}

// reprDigest reads a Repr-Digest value (RFC 9530: a dictionary such as
// "sha-256=:BASE64:, sha-512=:…:") into p.want: DigestPending when it holds
// a SHA-256, DigestBad when that is not 32 bytes of base64, DigestNone
// when there is none.
func (p *ResponseParser) reprDigest(v []byte) DigestCheck {
	for len(v) > 0 {
		var m []byte
		m, v, _ = bytes.Cut(v, []byte{','})
		key, val, _ := bytes.Cut(trimSpace(m), []byte{'='})
		if !bytes.EqualFold(trimSpace(key), []byte("sha-256")) {
			continue
		}
		val = trimSpace(val)
		if len(val) != 2+base64.StdEncoding.EncodedLen(digestSize) || val[0] != ':' || val[len(val)-1] != ':' {
			return DigestBad
		}
		n, err := base64.StdEncoding.Decode(p.b64[:], val[1:len(val)-1])
		if err != nil || n != digestSize {
			return DigestBad
		}
		copy(p.want[:], p.b64[:n])
		return DigestPending
	}
	return DigestNone
}
