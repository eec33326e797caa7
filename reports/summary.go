package reports

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/corobench/corobench/results"
)

// LoadSummary writes the human summary of one load run, as `corobench load`
// prints it, and returns the first write error.
func LoadSummary(w io.Writer, addr string, l *results.Load) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%s load on %s: %d connections, %.1fs measured\n", l.Mode, addr, l.Conns, l.Elapsed)
	fmt.Fprintf(bw, "  requests   %d (%.0f req/s)\n", l.Requests, l.Throughput())
	if l.Requests > 0 {
		h := l.Latency
		fmt.Fprintf(bw, "  latency    p50 %s  p90 %s  p99 %s  p99.9 %s  max %s\n",
			fmtDuration(h.Quantile(0.5)), fmtDuration(h.Quantile(0.9)), fmtDuration(h.Quantile(0.99)),
			fmtDuration(h.Quantile(0.999)), fmtDuration(h.Quantile(1)))
	}
	if len(l.Errors) == 0 {
		fmt.Fprintf(bw, "  errors     none\n")
	} else {
		fmt.Fprintf(bw, "  errors     %d:", l.ErrorCount())
		for _, k := range slices.Sorted(maps.Keys(l.Errors)) {
			fmt.Fprintf(bw, " %s %d", k, l.Errors[k])
		}
		fmt.Fprintln(bw)
	}
	if l.Requests > 0 {
		perReq := (l.ClientUser + l.ClientSys) / float64(l.Requests) * 1e6
		fmt.Fprintf(bw, "  client CPU %.2fs user, %.2fs sys (%.1f µs per request)\n", l.ClientUser, l.ClientSys, perReq)
	}
	for _, warn := range l.Warnings {
		fmt.Fprintf(bw, "  warning    %s\n", warn)
	}
	return bw.Flush()
}
