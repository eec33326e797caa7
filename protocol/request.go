// Package protocol is corobench's HTTP/1.1 subset, written once and shared by
// every target and by the load generator.
//
// The request parser is incremental and stateless: ParseRequest looks at
// whatever bytes have arrived so far and either returns one whole request and
// how many bytes it used, or says it needs more. Half a request, one request or
// several pipelined requests in one read all work the same way, so blocking
// models and event loops share it unchanged. Nothing it returns allocates: the
// request's body aliases the caller's buffer.
package protocol

import (
	"bytes"
	"time"
)

// Bounds on what a request may ask. Every one is explicit and small, so that a
// hostile client cannot make a target hang, crash or grow without limit.
const (
	MaxHeaderBytes = 8 << 10     // request line and headers, with the blank line
	MaxBodyBytes   = 1 << 20     // request body, and the size of /echo?size=N
	MaxCPUMicros   = 1_000_000   // /cpu?us=N and /mix?us=N
	MaxCPUUnits    = 600_000_000 // /cpu?n=UNITS: about a second of work, as us (a 2-core VM does ~600 units/µs)
	MaxWaitMillis  = 60_000      // /io?ms=N and /mix?ms=N
	MaxDiskKB      = 64 << 10    // /disk?kb=N
	// MaxStreamBytes bounds the body of PUT /files/NAME, which is not
	// buffered but streamed to the file store; the store's own limit
	// (serve -max-upload) is usually far lower.
	MaxStreamBytes = 1 << 40
)

// Method is a request method the protocol knows.
type Method uint8

// The methods corobench answers; any other is MethodOther (405).
const (
	MethodOther Method = iota
	MethodGet
	MethodPost
	MethodPut
	MethodDelete
)

// Endpoint names what a request asks for.
type Endpoint uint8

// The endpoints of the protocol.
const (
	EndpointHealth Endpoint = iota + 1 // GET /health: the model's name
	EndpointCPU                        // GET /cpu?us=N or ?n=UNITS: CPU work
	EndpointIO                         // GET /io?ms=N: a simulated external wait
	EndpointEcho                       // POST /echo, GET /echo?size=N
	EndpointMix                        // GET /mix?us=N&ms=M: wait, then CPU work
	EndpointStats                      // GET /stats: requests answered so far, for truth tests
	EndpointFiles                      // GET /files/ (list), GET, PUT or DELETE /files/NAME
	EndpointDisk                       // GET /disk?kb=N&sync=0|1: write N KiB to a file, read it back
)

// Request is one parsed request. Body aliases the buffer given to
// ParseRequest and is valid only until that buffer is reused.
type Request struct {
	Method   Method
	Endpoint Endpoint
	// CPUMicros is the CPU work asked for in µs; CPUUnits in work units
	// (set only by /cpu?n=UNITS, which takes precedence).
	CPUMicros int64
	CPUUnits  int64
	// WaitMillis is how long the model must wait before it answers.
	WaitMillis int64
	// Size is the body size asked of GET /echo?size=N.
	Size int
	// DiskKB and DiskSync are /disk's kb and sync.
	DiskKB   int
	DiskSync bool
	// Name is what follows /files/ in the path, undecoded (empty for the
	// listing); it aliases the buffer as Body does.
	Name []byte
	// Body is the request body (POST /echo).
	Body []byte
	// Stream is set for a body that is not in Body but follows the request
	// on the connection: StreamLength bytes (PUT /files/NAME), which the
	// model must take off the connection (see targets) before it parses the
	// next request.
	Stream       bool
	StreamLength int64
	// Close says the connection must close after this response.
	Close bool
}

// Wait is how long the model must wait, in its natural way, before it
// performs the CPU work and answers.
func (r *Request) Wait() time.Duration {
	return time.Duration(r.WaitMillis) * time.Millisecond
}

var (
	crlfcrlf          = []byte("\r\n\r\n")
	errHeaderTooLarge = errf(431, "request line and headers exceed %d bytes", MaxHeaderBytes)
)

// ParseRequest parses the first request in buf. It returns the number of bytes
// the request used, 0 with a nil error when buf does not yet hold a whole
// request, or an *Error carrying the status to answer with. After an error the
// connection must be answered with that error and closed.
func ParseRequest(buf []byte, req *Request) (int, error) {
	head := buf
	if len(head) > MaxHeaderBytes {
		head = head[:MaxHeaderBytes]
	}
	end := bytes.Index(head, crlfcrlf)
	if end < 0 {
		if bytes.IndexByte(head, '\n') >= 0 && !validLineEnds(head) {
			return 0, errf(400, "line not ended by CRLF")
		}
		if len(buf) >= MaxHeaderBytes {
			return 0, errHeaderTooLarge
		}
		return 0, nil
	}
	*req = Request{}
	headerLen := end + len(crlfcrlf)
	lines := head[:end+2] // each line keeps its CRLF
	line, rest := cutLine(lines)
	target, h, err := parseRequestLine(line, req)
	if err != nil {
		return 0, err
	}
	query, err := parseTarget(target, req)
	if err != nil {
		return 0, err
	}
	h.stream = req.Endpoint == EndpointFiles && req.Method == MethodPut
	if err := parseQuery(query, req); err != nil {
		return 0, err
	}
	if err := parseHeaders(rest, &h); err != nil {
		return 0, err
	}
	if err := h.finish(req); err != nil {
		return 0, err
	}
	if h.stream {
		req.Stream, req.StreamLength = true, h.contentLength
		req.Body = buf[headerLen:headerLen:headerLen]
		return headerLen, nil
	}
	total := headerLen + int(h.contentLength)
	if len(buf) < total {
		return 0, nil
	}
	req.Body = buf[headerLen:total:total]
	return total, nil
}

// validLineEnds reports whether every LF in b is preceded by CR.
func validLineEnds(b []byte) bool {
	for i, c := range b {
		if c == '\n' && (i == 0 || b[i-1] != '\r') {
			return false
		}
	}
	return true
}

// cutLine splits off the first CRLF-ended line, without its CRLF.
func cutLine(b []byte) (line, rest []byte) {
	i := bytes.Index(b, []byte("\r\n"))
	if i < 0 {
		return b, nil
	}
	return b[:i], b[i+2:]
}
