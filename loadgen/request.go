package loadgen

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Request is one kind of request in a run's mix.
type Request struct {
	Method string
	Path   string // with its query: /cpu?us=100
	Body   []byte
	// Weight is the request's share of the mix, relative to the others.
	Weight int
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
	return r, nil
}

// encode returns the request's bytes, encoded once for the whole run.
// With closing, it asks the target to close the connection after answering.
func (r Request) encode(host string, closing bool) []byte {
	b := fmt.Appendf(nil, "%s %s HTTP/1.1\r\nHost: %s\r\n", r.Method, r.Path, host)
	if closing {
		b = append(b, "Connection: close\r\n"...)
	}
	if len(r.Body) > 0 || r.Method == "POST" {
		b = fmt.Appendf(b, "Content-Length: %d\r\n", len(r.Body))
	}
	b = append(b, "\r\n"...)
	return append(b, r.Body...)
}

// encoded is a request ready to send, and what its answer must carry.
type encoded struct {
	bytes []byte
	// proof says the answer's body must prove CPU work (GET /cpu, /mix),
	// if it is verified (see Verify).
	proof bool
	// head says the request is HEAD: its answer has no body.
	head bool
	// keep is the longest body of the answer to keep, to verify it.
	keep int
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

// mix draws encoded requests by weight from a seeded generator.
type mix struct {
	encoded []encoded
	cum     []int // cumulative weights
	rng     *rand.Rand
}

func newMix(rs []Request, host string, seed uint64, closing bool, verify Verify) *mix {
	m := &mix{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	total := 0
	for _, r := range rs {
		total += max(r.Weight, 1)
		m.encoded = append(m.encoded, r.encoded(host, closing, verify))
		m.cum = append(m.cum, total)
	}
	return m
}

// encoded is the request ready to send.
func (r Request) encoded(host string, closing bool, verify Verify) encoded {
	e := encoded{bytes: r.encode(host, closing), proof: r.asksWork(), head: r.Method == "HEAD"}
	if e.proof && verify.keeps() {
		e.keep = maxProofBody
	}
	return e
}

// next returns the next request to send.
func (m *mix) next() *encoded {
	if len(m.encoded) == 1 {
		return &m.encoded[0]
	}
	x := m.rng.IntN(m.cum[len(m.cum)-1])
	for i, c := range m.cum {
		if x < c {
			return &m.encoded[i]
		}
	}
	return &m.encoded[len(m.encoded)-1]
}
