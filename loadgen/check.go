package loadgen

import (
	"sync"
	"sync/atomic"

	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/work"
)

// check returns the error kind of a wrong answer to req, or "".
func check(sums *checksums, req *encoded, resp *protocol.Response) string {
	if resp.Status != 200 {
		return statusKind(resp.Status)
	}
	if !req.proof {
		return ""
	}
	units, sum, ok := protocol.ParseCPUBody(resp.Body)
	switch {
	case !ok:
		return ErrBadBody
	case sums.get(units) != sum:
		return ErrChecksum
	}
	return ""
}

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
