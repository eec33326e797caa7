package protocol

import (
	"bytes"
	"errors"
)

// ErrMalformedResponse is returned by ParseResponse for bytes that are not a
// response of this protocol; the stream cannot be read further.
var ErrMalformedResponse = errors.New("protocol: malformed response")

// MaxResponseBody bounds the body of a response a client accepts.
const MaxResponseBody = MaxBodyBytes + 1<<10

// Response is one parsed response. Body aliases the buffer given to
// ParseResponse.
type Response struct {
	Status int
	Body   []byte
	Close  bool
}

// ParseResponse parses the first response in buf, the client's side of
// ParseRequest: it returns the bytes the response used, 0 with a nil error
// when more bytes are needed, or ErrMalformedResponse. Responses must carry
// Content-Length, as every corobench target's do.
func ParseResponse(buf []byte, resp *Response) (int, error) {
	head := buf
	if len(head) > MaxHeaderBytes {
		head = head[:MaxHeaderBytes]
	}
	end := bytes.Index(head, crlfcrlf)
	if end < 0 {
		if len(buf) >= MaxHeaderBytes {
			return 0, ErrMalformedResponse
		}
		return 0, nil
	}
	*resp = Response{}
	line, rest := cutLine(head[:end+2])
	// HTTP/1.1 200 OK
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' ||
		(len(line) > 12 && line[12] != ' ') {
		return 0, ErrMalformedResponse
	}
	for _, c := range line[9:12] {
		if !isDigit(c) {
			return 0, ErrMalformedResponse
		}
		resp.Status = resp.Status*10 + int(c-'0')
	}
	if resp.Status < 100 || resp.Status > 599 {
		return 0, ErrMalformedResponse
	}
	length := -1
	for len(rest) > 0 {
		var hl []byte
		hl, rest = cutLine(rest)
		name, value, ok := bytes.Cut(hl, []byte{':'})
		if !ok {
			return 0, ErrMalformedResponse
		}
		value = trimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			n, ok := parseUint(value, MaxResponseBody)
			if !ok || (length >= 0 && int(n) != length) {
				return 0, ErrMalformedResponse
			}
			length = int(n)
		case bytes.EqualFold(name, []byte("Connection")):
			resp.Close = resp.Close || bytes.Contains(bytes.ToLower(value), []byte("close"))
		}
	}
	if length < 0 {
		return 0, ErrMalformedResponse
	}
	total := end + len(crlfcrlf) + length
	if len(buf) < total {
		return 0, nil
	}
	resp.Body = buf[end+len(crlfcrlf) : total : total]
	return total, nil
}
