package loadgen

import (
	"sync"
	"sync/atomic"

	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/work"
)

// check returns the error kind of a wrong answer to req, or "": a status
// other than 2xx or 3xx, a body that is not the one its Repr-Digest
// announced (see ResponseParser.Digests), an answer to an upload stating
// another digest than the one of the bytes sent (see Verify.checkPut), and, for a request of CPU work whose answer is to
// be verified (see Verify), a missing or wrong proof of the work. A proof
// of other work than was asked (see encoded.units) is wrong before any of
// it is recomputed: the target never decides how much CPU the client
// spends.
func (rs *runState) check(req *encoded, resp *protocol.Response) string {
	if resp.Status < 200 || resp.Status > 399 {
		return statusKind(resp.Status)
	}
	if resp.Digest == protocol.DigestBad {
		return ErrDigest
	}
	if req.sent != nil {
		return rs.cfg.verify.checkPut(req.sent, resp)
	}
	if !req.proof || !rs.cfg.verify.of(resp) {
		return ""
	}
	units, sum, ok := protocol.ParseCPUBody(resp.Body) // nil when the body was not kept: too long
	switch {
	case !ok:
		return ErrBadBody
	case req.exact && units != req.units, units > req.units:
		return ErrChecksum
	case rs.sums.get(units) != sum:
		return ErrChecksum
	}
	return ""
}

// Verify says which answers to requests of CPU work (GET /cpu, /mix) must
// carry the proof of the work done; unless VerifyNever, bodies are also
// checked against their Repr-Digest and answers to uploads against the
// digest sent (see Verify.checkPut).
type Verify string

// The choices of verification.
const (
	// VerifyAuto verifies the answers that say they are a corobench
	// target's (Server: corobench); another server's /cpu is its own.
	VerifyAuto Verify = ""
	// VerifyAlways verifies every such answer: the target is corobench's,
	// or speaks its protocol, whatever its Server header says.
	VerifyAlways Verify = "always"
	// VerifyNever verifies none.
	VerifyNever Verify = "never"
)

// of reports whether resp, an answer to a request of CPU work, is verified.
func (v Verify) of(resp *protocol.Response) bool {
	return v == VerifyAlways || v == VerifyAuto && resp.Corobench
}

// digests reports whether bodies are checked against the SHA-256 their
// answers announce (Repr-Digest): unless verification is off, every
// answer that announces one, whoever the server.
func (v Verify) digests() bool { return v != VerifyNever }

// keeps reports whether answers to requests of CPU work are kept to be
// verified.
func (v Verify) keeps() bool { return v != VerifyNever }

// checksums caches the checksum of each amount of work seen, so the client
// verifies every /cpu answer while doing the work itself once per amount.
// Reads take no lock: the map is replaced, never changed, when an amount is
// added.
// maxChecksums bounds the cache: a run's mix has a few amounts of work.
const maxChecksums = 256

type checksums struct {
	mu  sync.Mutex // serializes additions
	sum atomic.Pointer[map[uint64]uint32]
}

func newChecksums() *checksums {
	c := &checksums{}
	c.sum.Store(&map[uint64]uint32{})
	return c
}

func (c *checksums) get(units uint64) uint32 {
	if s, ok := (*c.sum.Load())[units]; ok {
		return s
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	old := *c.sum.Load()
	if s, ok := old[units]; ok {
		return s
	}
	s := work.Spin(units)
	if len(old) >= maxChecksums {
		return s // a target answering ever new amounts is not cached
	}
	next := make(map[uint64]uint32, len(old)+1)
	for k, v := range old {
		next[k] = v
	}
	next[units] = s
	c.sum.Store(&next)
	return s
}
