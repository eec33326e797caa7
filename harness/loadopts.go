package harness

import (
	"context"
	"time"

	"github.com/corobench/corobench/loadgen"
	"github.com/corobench/corobench/results"
)

// loadOption is one setting of a load generator run.
type loadOption = loadgen.Option

// loadOptions maps a scenario's load to the load generator's options, for
// a target that gets conns connections.
func loadOptions(s *Scenario, conns int) ([]loadOption, error) {
	reqs := make([]loadgen.Request, len(s.Requests))
	for i, q := range s.Requests {
		reqs[i] = q.loadgen()
	}
	l := s.Load
	opts := []loadOption{
		loadgen.WithConns(conns),
		loadgen.WithDuration(time.Duration(l.Duration)),
		loadgen.WithWarmup(time.Duration(l.Warmup)),
		loadgen.WithTimeout(time.Duration(l.Timeout)),
		loadgen.WithRequests(reqs...),
	}
	more, err := modeOptions(l, conns)
	return append(opts, more...), err
}

// loadRun runs the load generator.
func loadRun(ctx context.Context, addr string, opts []loadOption) (*results.Load, error) {
	return loadgen.Run(ctx, addr, opts...)
}

// overDatagrams makes the load generator send the datagram form of the
// protocol.
func overDatagrams() loadOption { return loadgen.WithNet(loadgen.NetUDP) }
