package reports

import (
	"fmt"
	"path/filepath"

	"github.com/corobench/corobench/results"
)

// processModel is the model whose every connection is a process start.
const processModel = "process"

// startFindings put the process model's CPU per connection, in a scenario
// where every request had a connection of its own, beside what starting a
// process cost on the machine (results.Env.Starts): how much of a
// connection is the start itself.
func (s *scenario) startFindings(ts []*target) []string {
	bare, child := s.env.Start(results.StartTrue), s.env.Start(results.StartChild)
	if bare == nil || child == nil || bare.CPU <= 0 || child.CPU <= 0 {
		return nil
	}
	for _, t := range ts {
		if t.name != processModel || t.cpuPerReq <= 0 || !connPerRequest(t) {
			continue
		}
		cost := func(c *results.StartCost) float64 { return c.CPU + c.ParentCPU }
		return []string{fmt.Sprintf("%s spends %s of target CPU per connection, %s a start of %s on this machine (%s of CPU, parent and child) "+
			"and %s a start of its child, %s, serving nothing (%s); medians of %d starts, one at a time.",
			code(t.name), fmtMicros(t.cpuPerReq), fmtRatio(t.cpuPerReq/cost(bare)), code(command(bare)), fmtMicros(cost(bare)),
			fmtRatio(t.cpuPerReq/cost(child)), code(command(child)), fmtMicros(cost(child)), child.Runs)}
	}
	return nil
}

// command is a start's command line as a reader knows it: the program's
// name, and its arguments.
func command(c *results.StartCost) string {
	if len(c.Command) == 0 {
		return c.Name
	}
	out := filepath.Base(c.Command[0])
	for _, a := range c.Command[1:] {
		out += " " + a
	}
	return out
}

// connPerRequest says that the target's measured runs had a connection per
// request.
func connPerRequest(t *target) bool {
	for _, r := range t.ok {
		if r.Load == nil || !r.Load.ConnPerRequest {
			return false
		}
	}
	return len(t.ok) > 0
}
