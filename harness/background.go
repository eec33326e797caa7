package harness

import (
	"context"
	"fmt"
	"time"

	"github.com/corobench/corobench/results"
)

// holdBackground opens n idle connections to addr at l.OpenRate and sends
// one request on each, so that the target has accepted, read and answered
// every one and watches it as it watches a client between requests. The
// caller closes them (release) once the measured load has ended.
func holdBackground(ctx context.Context, addr string, n int, l Load) (bg *results.Background, warnings []string, release func()) {
	bg = &results.Background{Asked: n}
	var err error
	bg.Conns, bg.Answered, release, err = holdConns(ctx, addr, n, l.OpenRate, time.Duration(l.Timeout))
	if bg.Conns < n {
		warnings = append(warnings, fmt.Sprintf("background: opened %d of %d idle connections: %v", bg.Conns, n, err))
	}
	if bg.Answered < bg.Conns {
		warnings = append(warnings, fmt.Sprintf("background: %d of %d idle connections answered their request", bg.Answered, bg.Conns))
	}
	return bg, warnings, release
}
