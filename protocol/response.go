package protocol

import (
	"bytes"
	"errors"
	"strconv"
)

// StatusText is the reason phrase of the statuses corobench sends.
func StatusText(code int) string {
	switch code {
	case 200:
		return "OK"
	case 400:
		return "Bad Request"
	case 403:
		return "Forbidden"
	case 404:
		return "Not Found"
	case 405:
		return "Method Not Allowed"
	case 408:
		return "Request Timeout"
	case 413:
		return "Content Too Large"
	case 431:
		return "Request Header Fields Too Large"
	case 500:
		return "Internal Server Error"
	case 501:
		return "Not Implemented"
	case 503:
		return "Service Unavailable"
	case 505:
		return "HTTP Version Not Supported"
	case 507:
		return "Insufficient Storage"
	}
	return "Unknown"
}

// ServerName is what every corobench target's answers say in their Server
// header: a client verifies the proofs of work of such answers.
const ServerName = "corobench"

// AppendHeader appends a response's status line and headers for a body of
// contentLength bytes; the caller appends the body itself.
func AppendHeader(dst []byte, status, contentLength int, close bool) []byte {
	dst = append(dst, "HTTP/1.1 "...)
	dst = strconv.AppendInt(dst, int64(status), 10)
	dst = append(dst, ' ')
	dst = append(dst, StatusText(status)...)
	dst = append(dst, "\r\nServer: "+ServerName+"\r\nContent-Type: text/plain\r\nContent-Length: "...)
	dst = strconv.AppendInt(dst, int64(contentLength), 10)
	if close {
		dst = append(dst, "\r\nConnection: close"...)
	}
	return append(dst, "\r\n\r\n"...)
}

// AppendFileHeader appends the status line and headers of a file's
// download: size bytes of application/octet-stream, with its digest in a
// Repr-Digest header (RFC 9530: "sha-256=:BASE64:"), which a client
// checks the body against.
func AppendFileHeader(dst []byte, size int64, digest string, close bool) []byte {
	dst = append(dst, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "...)
	dst = strconv.AppendInt(dst, size, 10)
	dst = append(dst, "\r\nRepr-Digest: "...)
	dst = append(dst, digest...)
	if close {
		dst = append(dst, "\r\nConnection: close"...)
	}
	return append(dst, "\r\n\r\n"...)
}

// AppendStatus appends an answer of status whose body is reason and a
// newline, keeping the connection unless close: a refusal of what a
// well-formed request asked (no such file), not of the request itself.
func AppendStatus(dst []byte, status int, close bool, reason string) []byte {
	dst = AppendHeader(dst, status, len(reason)+1, close)
	dst = append(dst, reason...)
	return append(dst, '\n')
}

// AppendResponse appends a whole response with the given body.
func AppendResponse(dst []byte, status int, close bool, body []byte) []byte {
	dst = AppendHeader(dst, status, len(body), close)
	return append(dst, body...)
}

// AppendError appends the answer to a refused request: its status, the reason
// as the body, and Connection: close, since after a bad request the stream
// cannot be trusted. An error that is not an *Error answers 400.
func AppendError(dst []byte, err error) []byte {
	var pe *Error
	if !errors.As(err, &pe) {
		pe = &Error{Status: 400, Reason: err.Error()}
	}
	dst = AppendHeader(dst, pe.Status, len(pe.Reason)+1, true)
	dst = append(dst, pe.Reason...)
	return append(dst, '\n')
}

// AppendCPUBody appends the body of a /cpu answer: the units of work done and
// the checksum that proves it.
func AppendCPUBody(dst []byte, units uint64, checksum uint32) []byte {
	dst = append(dst, "units="...)
	dst = strconv.AppendUint(dst, units, 10)
	dst = append(dst, " checksum="...)
	for shift := 28; shift >= 0; shift -= 4 {
		dst = append(dst, hexDigits[checksum>>shift&0xf])
	}
	return append(dst, '\n')
}

// CPUBodyLen is the length of the body AppendCPUBody writes for units, so
// that a response can be appended without building the body first.
func CPUBodyLen(units uint64) int {
	digits := 1
	for ; units >= 10; units /= 10 {
		digits++
	}
	return len("units=") + digits + len(" checksum=") + 8 + len("\n")
}

const hexDigits = "0123456789abcdef"

// ParseCPUBody reads a body written by AppendCPUBody.
func ParseCPUBody(body []byte) (units uint64, checksum uint32, ok bool) {
	body, ok = bytes.CutPrefix(body, []byte("units="))
	if !ok {
		return 0, 0, false
	}
	u, rest, ok := bytes.Cut(body, []byte(" checksum="))
	if !ok || len(rest) != 9 || rest[8] != '\n' {
		return 0, 0, false
	}
	units, err := strconv.ParseUint(string(u), 10, 64)
	if err != nil {
		return 0, 0, false
	}
	sum, err := strconv.ParseUint(string(rest[:8]), 16, 32)
	if err != nil {
		return 0, 0, false
	}
	return units, uint32(sum), true
}
