package loadgen

import (
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/corobench/corobench/files"
	"github.com/corobench/corobench/protocol"
)

// Request is one kind of request in a run's mix.
type Request struct {
	Method string
	Path   string // with its query: /cpu?us=100
	// Host is the Host header; empty is the target's address.
	Host string
	// Header holds more header fields, sent in order after Host. The
	// client writes Content-Length (from Body) and, when it closes,
	// Connection itself.
	Header []Header
	Body   []byte
	// BodyFile names a file the body is streamed from as it is sent, a
	// chunk at a time, whatever its size; not with Body. It is opened,
	// and hashed when uploads are verified, once when the run starts.
	BodyFile string
	// Weight is the request's share of the mix, relative to the others.
	Weight int
}

// Header is one header field of a request.
type Header struct{ Name, Value string }

// AddHeader adds a header field to r: a Host field sets r.Host, any other
// is sent after it, in the order added.
func (r *Request) AddHeader(h Header) {
	if strings.EqualFold(h.Name, "Host") {
		r.Host = h.Value
		return
	}
	r.Header = append(r.Header, h)
}

// ParseHeader reads a header field from its form "Name: value", as the -H
// flag takes it.
func ParseHeader(s string) (Header, error) {
	name, value, ok := strings.Cut(s, ":")
	h := Header{Name: strings.TrimSpace(name), Value: strings.TrimSpace(value)}
	if !ok {
		return h, fmt.Errorf("loadgen: header %q: want 'Name: value'", s)
	}
	return h, h.check()
}

// check reports a header the client cannot send as given.
func (h Header) check() error {
	switch {
	case !isToken(h.Name):
		return fmt.Errorf("loadgen: header name %q is not a token", h.Name)
	case strings.ContainsAny(h.Value, "\r\n\x00"):
		return fmt.Errorf("loadgen: header %s: the value holds a line break or NUL", h.Name)
	case strings.EqualFold(h.Name, "Content-Length"), strings.EqualFold(h.Name, "Transfer-Encoding"):
		return fmt.Errorf("loadgen: header %s: the client frames the body itself (from its length)", h.Name)
	}
	return nil
}

// isToken reports whether s is an HTTP token (RFC 9110, 5.6.2): a method
// or a header name.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// Check reports what in r cannot be sent: a method or header name that is
// not a token, a path, host or value that would break the request line or
// headers, a header the client writes itself.
func (r Request) Check() error {
	switch {
	case !isToken(r.Method):
		return fmt.Errorf("loadgen: method %q is not a token", r.Method)
	case !strings.HasPrefix(r.Path, "/") || strings.ContainsAny(r.Path, " \r\n\x00"):
		return fmt.Errorf("loadgen: path %q: want /PATH?QUERY, without spaces", r.Path)
	case strings.ContainsAny(r.Host, " \r\n\x00"):
		return fmt.Errorf("loadgen: host %q holds a space or line break", r.Host)
	case r.Weight < 0:
		return fmt.Errorf("loadgen: request %s %s: weight must not be negative", r.Method, r.Path)
	case r.BodyFile != "" && len(r.Body) > 0:
		return fmt.Errorf("loadgen: request %s %s: a body and a body file: give one", r.Method, r.Path)
	}
	for _, h := range r.Header {
		if err := h.check(); err != nil {
			return err
		}
	}
	return nil
}

// ParseRequest reads a request from its short form "[WEIGHT] [METHOD] PATH",
// as the -r flag takes it: "/health", "GET /cpu?us=100", "3 GET /io?ms=10".
func ParseRequest(s string) (Request, error) {
	f := strings.Fields(s)
	r := Request{Method: "GET", Weight: 1}
	if len(f) > 0 {
		if w, err := strconv.Atoi(f[0]); err == nil {
			if w <= 0 {
				return r, fmt.Errorf("loadgen: request %q: weight must be positive", s)
			}
			r.Weight, f = w, f[1:]
		}
	}
	if len(f) == 2 {
		r.Method, f = strings.ToUpper(f[0]), f[1:]
	}
	if len(f) != 1 || !strings.HasPrefix(f[0], "/") {
		return r, fmt.Errorf("loadgen: request %q: want [WEIGHT] [METHOD] /PATH", s)
	}
	r.Path = f[0]
	return r, r.Check()
}

// encode returns the request's bytes, encoded once for the whole run; host
// is the Host header unless the request names its own. With closing, it
// asks the target to close the connection after answering.
func (r Request) encode(host string, closing bool) []byte {
	return r.encodeHead(host, closing, int64(len(r.Body)))
}

// encodeHead is encode with a body of size bytes, of which it appends
// only r.Body: a streamed body follows when it is sent.
func (r Request) encodeHead(host string, closing bool, size int64) []byte {
	if r.Host != "" {
		host = r.Host
	}
	b := make([]byte, 0, 128+len(r.Body))
	b = fmt.Appendf(b, "%s %s HTTP/1.1\r\nHost: %s\r\n", r.Method, r.Path, host)
	for _, h := range r.Header {
		b = fmt.Appendf(b, "%s: %s\r\n", h.Name, h.Value)
	}
	if closing {
		b = append(b, "Connection: close\r\n"...)
	}
	if size > 0 || r.Method == "POST" || r.Method == "PUT" || r.Method == "PATCH" {
		b = fmt.Appendf(b, "Content-Length: %d\r\n", size)
	}
	b = append(b, "\r\n"...)
	return append(b, r.Body...)
}

// encoded is a request ready to send, and what its answer must carry.
type encoded struct {
	bytes []byte // the whole request, or its head when its body is streamed
	// body is the file its body is streamed from, after bytes; nil when
	// bytes are the whole request.
	body *bodyFile
	// sent is the SHA-256 of an upload's body (PUT), which its answer
	// must state as the digest of what was stored, if it is verified (see
	// Verify.checkPut); nil for other requests.
	sent *files.Digest
	// proof says the answer's body must prove CPU work (GET /cpu, /mix),
	// if it is verified (see Verify).
	proof bool
	// head says the request is HEAD: its answer has no body.
	head bool
	// keep is the longest body of the answer to keep, to verify it.
	keep int
	// units bounds the work a proof may claim, so that verifying it never
	// costs more than the request asked for: exactly units when exact
	// (?n=UNITS), at most units otherwise (?us=N at MaxUnitsPerMicro).
	units uint64
	exact bool
}

// maxProofBody is the longest body of an answer to a request of CPU work
// that is kept to verify it: a proof is about 40 bytes.
const maxProofBody = 256

// asksWork reports whether a request asks a corobench target for CPU
// work, whose answer proves it was done.
func (r Request) asksWork() bool {
	path, _, _ := strings.Cut(r.Path, "?")
	return r.Method == "GET" && (path == "/cpu" || path == "/mix")
}

// requestSet is a run's requests, each encoded once and shared by every
// connection, with their cumulative weights.
type requestSet struct {
	encoded []encoded
	cum     []int
}

func newRequestSet(rs []Request, host string, closing bool, verify Verify, bodies bodyFiles) *requestSet {
	s := &requestSet{}
	total := 0
	for _, r := range rs {
		total += max(r.Weight, 1)
		s.encoded = append(s.encoded, r.encoded(host, closing, verify, bodies[r.BodyFile]))
		s.cum = append(s.cum, total)
	}
	return s
}

// encoded is the request ready to send, its body streamed from body when
// it has a body file.
func (r Request) encoded(host string, closing bool, verify Verify, body *bodyFile) encoded {
	e := encoded{bytes: r.encode(host, closing), proof: r.asksWork(), head: r.Method == "HEAD"}
	if body != nil {
		e.bytes, e.body = r.encodeHead(host, closing, body.size), body
	}
	if e.proof && verify.keeps() {
		e.keep = maxProofBody
		e.units, e.exact = r.askedUnits()
	}
	if r.Method == "PUT" && verify.digests() {
		d := files.Digest(sha256.Sum256(r.Body))
		if body != nil {
			d = body.digest
		}
		e.sent, e.keep = &d, maxPutAnswer
	}
	return e
}

// MaxUnitsPerMicro bounds the units of work a target may claim per µs
// asked (?us=N): four times what the 2-core VM this was written on does
// (protocol.MaxCPUUnits in protocol.MaxCPUMicros), so that a faster
// machine's honest proof passes, and a lying one costs the client at most
// a few times the CPU time it asked of the target.
const MaxUnitsPerMicro = 4 * protocol.MaxCPUUnits / protocol.MaxCPUMicros

// askedUnits is the work a request of CPU work asks for: exactly its
// ?n=UNITS, or at most ?us=N at MaxUnitsPerMicro; a request the protocol
// would refuse asks at most protocol.MaxCPUUnits.
func (r Request) askedUnits() (units uint64, exact bool) {
	var req protocol.Request
	n, err := protocol.ParseRequest(r.encode("corobench", false), &req)
	switch {
	case err != nil || n == 0:
		return protocol.MaxCPUUnits, false
	case req.CPUUnits > 0:
		return uint64(req.CPUUnits), true
	}
	return uint64(req.CPUMicros) * MaxUnitsPerMicro, false
}

// mix draws a set's requests by weight from a seeded generator.
type mix struct {
	set *requestSet
	rng *rand.Rand
}

func newMix(set *requestSet, seed uint64) *mix {
	return &mix{set: set, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// next returns the next request to send.
func (m *mix) next() *encoded {
	enc, cum := m.set.encoded, m.set.cum
	if len(enc) == 1 {
		return &enc[0]
	}
	x := m.rng.IntN(cum[len(cum)-1])
	for i, c := range cum {
		if x < c {
			return &enc[i]
		}
	}
	return &enc[len(enc)-1]
}
