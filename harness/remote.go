package harness

import (
	"context"
	"crypto/tls"

	"github.com/corobench/corobench/internal/affinity"
	"github.com/corobench/corobench/loadgen"
	"github.com/corobench/corobench/results"
)

// runRemote runs one repetition against a remote target: load only. The
// target is neither started nor sampled (it may be on another machine), so
// the run has no resources and says it is remote; the bound is computed
// when the scenario gives the target's parallelism.
func (r *Runner) runRemote(ctx context.Context, s *Scenario, spec TargetSpec, run results.Run, conns int, pin pinning, allowed []int) results.Run {
	run.Remote = true
	run.Design = spec.design()
	if s.Load.Mode == results.ModeIdle {
		run.Error = "an idle scenario measures the target's memory, which a remote target's cannot be"
		return run
	}
	at, err := spec.remoteAddr()
	if err != nil {
		run.Error = err.Error()
		return run
	}
	if err := affinity.PinSelf(orAll(pin.client, allowed)); err != nil {
		run.Error = err.Error()
		return run
	}
	opts := loadOptions(s, conns)
	if at.https {
		opts = append(opts, loadgen.WithTLS(&tls.Config{ServerName: at.host, InsecureSkipVerify: spec.Insecure}))
	}
	run.Load, err = loadgen.Run(ctx, at.addr, opts...)
	if err != nil && ctx.Err() == nil {
		run.Error = oneLine(err.Error())
	}
	if run.Load != nil {
		run.Warnings = append(run.Warnings, run.Load.Warnings...)
		r.bound(&run, s, spec, Ready{Model: spec.Name, Addr: at.addr}, conns, cores(pin.target, allowed))
	}
	return run
}
