//go:build !loadgenapi

package scenarios

import "fmt"

// modeOptions maps what the closed-loop load generator cannot do yet.
//
// TODO(loadgen-api): when the loadgen-api tag is merged, delete this file and
// the build constraint of loadmodes.go, which maps open, batch,
// conn_per_request, pipeline and think_time to loadgen.WithRate,
// WithMaxConns, WithBatch, WithConnPerRequest, WithPipeline and
// WithThinkTime.
func modeOptions(l Load, conns int) ([]loadOption, error) {
	switch {
	case l.Mode == ModeOpen, l.Mode == ModeBatch:
		return nil, fmt.Errorf("scenarios: load mode %s needs a load generator this build does not have yet", l.Mode)
	case l.ConnPerReq, l.Pipeline > 1, l.ThinkTime > 0:
		return nil, fmt.Errorf("scenarios: conn_per_request, pipeline and think_time need a load generator this build does not have yet")
	}
	return nil, nil
}
