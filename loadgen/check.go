package loadgen

import (
	"sync"

	"github.com/corobench/corobench/targets/protocol"
	"github.com/corobench/corobench/targets/work"
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
type checksums struct {
	mu  sync.Mutex
	sum map[uint64]uint32
}

func newChecksums() *checksums { return &checksums{sum: map[uint64]uint32{}} }

func (c *checksums) get(units uint64) uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.sum[units]
	if !ok {
		s = work.Spin(units)
		c.sum[units] = s
	}
	return s
}
