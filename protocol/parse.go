package protocol

import (
	"bytes"
	"fmt"
)

// Error is a request the protocol refuses: Status is the HTTP status to answer
// with (400, 404, 405, 413, 431, 501 or 505), Reason says why.
type Error struct {
	Status int
	Reason string
}

func (e *Error) Error() string {
	return fmt.Sprintf("protocol: %d %s: %s", e.Status, StatusText(e.Status), e.Reason)
}

// errf returns an *Error whose reason is format with args. The parser runs
// on every request, often on a goroutine's smallest stack: a call that
// passes args builds their array in the caller's frame, so such calls are
// wrapped in small functions kept out of line (see errParam).
func errf(status int, format string, args ...any) *Error {
	return &Error{Status: status, Reason: fmt.Sprintf(format, args...)}
}

// header collects what the headers say until the request is complete.
type header struct {
	http10        bool
	host          bool
	close         bool
	keepAlive     bool
	sawLength     bool
	chunked       bool
	stream        bool // the body is streamed, not buffered: its bound is MaxStreamBytes
	contentLength int64
}

// parseRequestLine reads the method and version, and returns the target. The
// parser's steps are called one after another from ParseRequest, not one
// from another, so that its deepest frame stays small (see errf).
func parseRequestLine(line []byte, req *Request) (target []byte, h header, err error) {
	method, rest, ok := bytes.Cut(line, []byte{' '})
	if !ok || len(method) == 0 {
		return nil, h, errf(400, "malformed request line")
	}
	target, version, ok := bytes.Cut(rest, []byte{' '})
	if !ok || len(target) == 0 {
		return nil, h, errf(400, "malformed request line")
	}
	for _, c := range method {
		if !isToken(c) {
			return nil, h, errf(400, "malformed method")
		}
	}
	switch string(version) {
	case "HTTP/1.1":
	case "HTTP/1.0":
		h.http10 = true
	default:
		if len(version) == 8 && bytes.HasPrefix(version, []byte("HTTP/")) &&
			isDigit(version[5]) && version[6] == '.' && isDigit(version[7]) {
			return nil, h, errVersion(version)
		}
		return nil, h, errf(400, "malformed version")
	}
	switch string(method) {
	case "GET":
		req.Method = MethodGet
	case "POST":
		req.Method = MethodPost
	case "PUT":
		req.Method = MethodPut
	case "DELETE":
		req.Method = MethodDelete
	default:
		req.Method = MethodOther
	}
	return target, h, nil
}

//go:noinline
func errVersion(v []byte) *Error { return errf(505, "version %s not supported", v) }

// parseTarget reads the origin form (/path?query), or the absolute form
// (http://host/path?query) that HTTP/1.1 servers must also accept, and
// returns the query.
func parseTarget(target []byte, req *Request) (query []byte, err error) {
	for _, c := range target {
		if c <= ' ' || c >= 0x7f {
			return nil, errf(400, "malformed request target")
		}
	}
	if bytes.HasPrefix(target, []byte("http://")) {
		rest := target[len("http://"):]
		slash := bytes.IndexByte(rest, '/')
		if slash <= 0 {
			return nil, errf(400, "malformed absolute request target")
		}
		target = rest[slash:]
	}
	if target[0] != '/' {
		return nil, errf(400, "request target must start with /")
	}
	path, query, _ := bytes.Cut(target, []byte{'?'})
	if name, ok := bytes.CutPrefix(path, []byte("/files/")); ok {
		req.Endpoint, req.Name = EndpointFiles, name
		allowed := req.Method == MethodGet || (len(name) > 0 && (req.Method == MethodPut || req.Method == MethodDelete))
		if !allowed {
			return nil, errf(405, "method not allowed on this path")
		}
		return query, nil
	}
	if req.Endpoint = endpointOf(path); req.Endpoint == 0 {
		return nil, errNoPath
	}
	allowed := req.Method == MethodGet || (req.Endpoint == EndpointEcho && req.Method == MethodPost)
	if !allowed {
		return nil, errf(405, "method not allowed on this path")
	}
	return query, nil
}

// endpointOf is the endpoint a path names, or 0.
func endpointOf(path []byte) Endpoint {
	switch string(path) {
	case "/health":
		return EndpointHealth
	case "/cpu":
		return EndpointCPU
	case "/io":
		return EndpointIO
	case "/echo":
		return EndpointEcho
	case "/mix":
		return EndpointMix
	case "/stats":
		return EndpointStats
	case "/disk":
		return EndpointDisk
	}
	return 0
}

var errNoPath = errf(404, "no such path")

func parseHeaders(b []byte, h *header) error {
	for len(b) > 0 {
		var line []byte
		line, b = cutLine(b)
		if len(line) == 0 {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			return errf(400, "obsolete header line folding")
		}
		name, value, ok := bytes.Cut(line, []byte{':'})
		if !ok || len(name) == 0 {
			return errf(400, "malformed header line")
		}
		for _, c := range name {
			if !isToken(c) {
				return errf(400, "malformed header name")
			}
		}
		for _, c := range value {
			if (c < ' ' && c != '\t') || c == 0x7f {
				return errf(400, "control character in header value")
			}
		}
		if err := h.add(name, trimSpace(value)); err != nil {
			return err
		}
	}
	return nil
}

func (h *header) add(name, value []byte) error {
	switch {
	case bytes.EqualFold(name, []byte("Content-Length")):
		n, err := parseLength(value, h.stream)
		if err != nil {
			return err
		}
		if h.sawLength && n != h.contentLength {
			return errf(400, "conflicting Content-Length headers")
		}
		h.sawLength, h.contentLength = true, n
	case bytes.EqualFold(name, []byte("Transfer-Encoding")):
		h.chunked = true
	case bytes.EqualFold(name, []byte("Host")):
		if h.host {
			return errf(400, "more than one Host header")
		}
		h.host = true
	case bytes.EqualFold(name, []byte("Connection")):
		for len(value) > 0 {
			var opt []byte
			opt, value, _ = bytes.Cut(value, []byte{','})
			opt = trimSpace(opt)
			switch {
			case bytes.EqualFold(opt, []byte("close")):
				h.close = true
			case bytes.EqualFold(opt, []byte("keep-alive")):
				h.keepAlive = true
			}
		}
	}
	return nil
}

// finish checks what only the whole header block can tell.
func (h *header) finish(req *Request) error {
	switch {
	case h.chunked && h.sawLength:
		return errf(400, "both Transfer-Encoding and Content-Length")
	case h.chunked:
		return errf(501, "Transfer-Encoding is not supported; send Content-Length")
	case !h.http10 && !h.host:
		return errf(400, "HTTP/1.1 request without Host")
	case req.Endpoint == EndpointEcho && req.Method == MethodPost && req.Size != 0:
		return errf(400, "POST /echo takes a body, not size")
	}
	req.Close = h.close || (h.http10 && !h.keepAlive)
	return nil
}

// parseLength reads a Content-Length, no larger than MaxBodyBytes, or
// MaxStreamBytes for a streamed body.
func parseLength(v []byte, stream bool) (int64, error) {
	if len(v) == 0 {
		return 0, errf(400, "empty Content-Length")
	}
	limit, tooLarge := int64(MaxBodyBytes), errBodyTooLarge
	if stream {
		limit, tooLarge = MaxStreamBytes, errStreamTooLarge
	}
	var n int64
	for _, c := range v {
		if !isDigit(c) {
			return 0, errf(400, "malformed Content-Length")
		}
		if n > limit {
			continue // keep checking the digits; the length is too large anyway
		}
		n = n*10 + int64(c-'0')
	}
	if n > limit {
		return 0, tooLarge
	}
	return n, nil
}

var (
	errBodyTooLarge   = errf(413, "body exceeds %d bytes", MaxBodyBytes)
	errStreamTooLarge = errf(413, "body exceeds %d bytes", int64(MaxStreamBytes))
)

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// parseStatus reads the three digits of a status, 100 to 599: an HTTP
// answer's and a datagram answer's.
func parseStatus(b []byte) (status int, ok bool) {
	if len(b) != 3 {
		return 0, false
	}
	for _, c := range b {
		if !isDigit(c) {
			return 0, false
		}
		status = status*10 + int(c-'0')
	}
	return status, 100 <= status && status <= 599
}

// isToken reports whether c may appear in an HTTP token (RFC 9110, 5.6.2).
func isToken(c byte) bool {
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || isDigit(c) {
		return true
	}
	return bytes.IndexByte([]byte("!#$%&'*+-.^_`|~"), c) >= 0
}
