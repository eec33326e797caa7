package protocol

import (
	"bytes"
	"fmt"
	"io"
)

// ResponseParser reads the responses of one connection, one at a time, as
// RFC 9112 frames them: a body by Content-Length, in chunks (trailers
// skipped), or until the connection closes; none after HEAD, 1xx, 204 and
// 304; 1xx interim answers skipped. It is incremental: Parse takes what has
// arrived and says how much of it was used, so a body of any size streams
// through a small buffer, counted, never held (unless asked, and small).
// It allocates nothing.
type ResponseParser struct {
	// MaxBody bounds a body; zero is DefaultMaxBody.
	MaxBody int64
	// Resp is the response being parsed; whole once Parse reports done.
	Resp Response

	state   uint8
	head    bool  // the request was HEAD
	keep    int   // keep a Content-Length body of at most this many bytes
	left    int64 // bytes of the body or chunk still to come
	interim int   // 1xx answers so far
	trailer int   // trailer bytes so far
}

// The parser's states.
const (
	stHead       uint8 = iota // waiting for a whole head
	stBody                    // Content-Length body bytes, dropped
	stKeep                    // Content-Length body, kept whole
	stChunkSize               // a chunk-size line
	stChunkData               // a chunk's bytes, dropped
	stChunkCRLF               // the CRLF after a chunk
	stTrailer                 // trailer lines, until an empty one
	stUntilClose              // every byte until the connection closes
	stDone
)

// Begin readies p for the response to a request: HEAD says whether it was
// a HEAD request (whose response has no body); keep is the length of the
// longest body to keep whole in Resp.Body (0: none).
func (p *ResponseParser) Begin(head bool, keep int) {
	p.Resp = Response{}
	p.state, p.head, p.keep = stHead, head, keep
	p.left, p.interim, p.trailer = 0, 0, 0
}

func (p *ResponseParser) maxBody() int64 {
	if p.MaxBody > 0 {
		return p.MaxBody
	}
	return DefaultMaxBody
}

// Parse goes on with the response from buf, the bytes that arrived and
// were not used yet. It returns how many of them it used (the caller drops
// them and gives the rest again, with what arrives next) and whether the
// response is whole. A kept body aliases buf: the caller keeps buf
// unchanged until it is done with Resp.Body. After an error, the
// connection cannot be read further.
func (p *ResponseParser) Parse(buf []byte) (used int, done bool, err error) {
	for {
		rest := buf[used:]
		switch p.state {
		case stHead:
			n, err := p.head1(rest)
			if err != nil || n == 0 {
				return used, false, err
			}
			used += n
			p.Resp.Size += int64(n)
			if p.state == stDone && p.Resp.Status < 200 && p.Resp.Status != 101 {
				// An interim answer: the final one follows.
				if p.interim++; p.interim > MaxInterim {
					return used, false, ErrTooManyInterim
				}
				p.Resp = Response{Size: p.Resp.Size}
				p.state = stHead
			}
		case stBody, stChunkData:
			n := int(min(p.left, int64(len(rest))))
			if n == 0 {
				return used, false, nil
			}
			used += n
			p.left -= int64(n)
			p.Resp.Length += int64(n)
			p.Resp.Size += int64(n)
			if p.left == 0 {
				p.state = stDone
				if p.Resp.Chunked {
					p.state = stChunkCRLF
				}
			}
		case stKeep:
			if int64(len(rest)) < p.left {
				return used, false, nil
			}
			p.Resp.Body = rest[:p.left:p.left]
			used += int(p.left)
			p.Resp.Length, p.Resp.Size = p.left, p.Resp.Size+p.left
			p.left, p.state = 0, stDone
		case stChunkSize:
			n, err := p.chunkSize(rest)
			if err != nil || n == 0 {
				return used, false, err
			}
			used += n
			p.Resp.Size += int64(n)
		case stChunkCRLF:
			if len(rest) < 2 {
				return used, false, nil
			}
			if rest[0] != '\r' || rest[1] != '\n' {
				return used, false, ErrMalformedResponse
			}
			used += 2
			p.Resp.Size += 2
			p.state = stChunkSize
		case stTrailer:
			n, err := p.trailerLine(rest)
			if err != nil || n == 0 {
				return used, false, err
			}
			used += n
			p.Resp.Size += int64(n)
		case stUntilClose:
			n := len(rest)
			if n == 0 {
				return used, false, nil
			}
			if p.Resp.Length+int64(n) > p.maxBody() {
				return used, false, ErrBodyTooLarge
			}
			used += n
			p.Resp.Length += int64(n)
			p.Resp.Size += int64(n)
		case stDone:
			return used, true, nil
		}
	}
}

// EOF tells p that the connection closed after the bytes it was given: it
// reports whether that ends the response (a body delimited by the close),
// or else the error of a response cut short.
func (p *ResponseParser) EOF() (done bool, err error) {
	switch p.state {
	case stUntilClose, stDone:
		p.state = stDone
		return true, nil
	}
	return false, errUnexpectedEOF
}

// errUnexpectedEOF is a response cut short by the connection's close.
var errUnexpectedEOF = fmt.Errorf("protocol: the connection closed before the response ended: %w", io.ErrUnexpectedEOF)

// head1 parses a whole head at the start of b, returning its length with
// the final CRLF, or 0 when it has not all arrived.
func (p *ResponseParser) head1(b []byte) (int, error) {
	window := b
	if len(window) > MaxResponseHead {
		window = window[:MaxResponseHead]
	}
	end := bytes.Index(window, crlfcrlf)
	if end < 0 {
		if len(b) >= MaxResponseHead {
			return 0, ErrHeadTooLarge
		}
		return 0, nil
	}
	if err := p.parseHead(b[:end+2]); err != nil {
		return 0, err
	}
	return end + len(crlfcrlf), nil
}

// line finds a CRLF-ended line at the start of b of at most max bytes: its
// length without the CRLF, and with it, or n 0 when it has not all
// arrived; tooLong when it cannot fit.
func line(b []byte, max int) (content, n int, tooLong bool) {
	window := b
	if len(window) > max {
		window = window[:max]
	}
	i := bytes.IndexByte(window, '\n')
	switch {
	case i < 0:
		return 0, 0, len(b) >= max
	case i == 0 || window[i-1] != '\r':
		return -1, 0, false // a bare LF
	}
	return i - 1, i + 1, false
}

// chunkSize parses a chunk-size line: hex digits, optional extensions.
func (p *ResponseParser) chunkSize(b []byte) (int, error) {
	end, n, tooLong := line(b, MaxChunkLine)
	switch {
	case tooLong:
		return 0, ErrChunkLineTooLong
	case end < 0:
		return 0, ErrMalformedResponse
	case n == 0:
		return 0, nil
	}
	digits := 0
	var size int64
	for ; digits < end; digits++ {
		d := hexValue(b[digits])
		if d < 0 {
			break
		}
		// However many digits, a size beyond the bound is over it: no
		// overflow can hide it.
		if size = size<<4 | int64(d); size > p.maxBody() {
			return 0, ErrBodyTooLarge
		}
	}
	if digits == 0 {
		return 0, ErrMalformedResponse
	}
	if rest := trimSpace(b[digits:end]); len(rest) > 0 && rest[0] != ';' {
		return 0, ErrMalformedResponse
	}
	if p.Resp.Length+size > p.maxBody() {
		return 0, ErrBodyTooLarge
	}
	if size == 0 {
		p.state = stTrailer
	} else {
		p.left, p.state = size, stChunkData
	}
	return n, nil
}

// trailerLine skips one trailer line; an empty one ends the response.
func (p *ResponseParser) trailerLine(b []byte) (int, error) {
	end, n, tooLong := line(b, MaxChunkLine)
	switch {
	case tooLong:
		return 0, ErrTrailersTooLarge
	case end < 0:
		return 0, ErrMalformedResponse
	case n == 0:
		return 0, nil
	case end == 0:
		p.state = stDone
		return n, nil
	case b[0] == ' ' || b[0] == '\t' || bytes.IndexByte(b[:end], ':') <= 0:
		return 0, ErrMalformedResponse
	}
	if p.trailer += n; p.trailer > MaxResponseHead {
		return 0, ErrTrailersTooLarge
	}
	return n, nil
}

// hexValue is the value of a hex digit, or -1.
func hexValue(c byte) int {
	switch {
	case isDigit(c):
		return int(c - '0')
	case 'a' <= c|0x20 && c|0x20 <= 'f':
		return int(c|0x20-'a') + 10
	}
	return -1
}
