package loadgen

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/corobench/corobench/results"
)

// WriteBench writes one run as a line of the Go benchmark format, which
// benchstat reads: BenchmarkLoad/NAME, the answered requests as the
// iteration count, then ns/op (time per answered request), req/s, latency
// percentiles in ns, errors, dropped and unfinished per op, and the client's
// CPU per request. Spaces in name become underscores. It returns the first
// write error.
func WriteBench(w io.Writer, name string, l *results.Load) error {
	bw := bufio.NewWriter(w)
	name = strings.Join(strings.Fields(name), "_")
	n := max(l.Requests, 1)
	fmt.Fprintf(bw, "BenchmarkLoad/%s\t%d\t%.1f ns/op\t%.1f req/s", name, l.Requests, l.Elapsed*1e9/float64(n), l.Throughput())
	if l.Latency != nil && l.Latency.TotalCount() > 0 {
		for _, q := range []struct {
			unit string
			q    float64
		}{{"p50-ns", 0.5}, {"p99-ns", 0.99}, {"p99.9-ns", 0.999}} {
			fmt.Fprintf(bw, "\t%d %s", l.Latency.Quantile(q.q).Nanoseconds(), q.unit)
		}
	}
	fmt.Fprintf(bw, "\t%.4g errors/op\t%.4g dropped/op\t%.4g unfinished/op\t%.1f client-ns/op\n",
		float64(l.ErrorCount())/float64(n), float64(l.Dropped)/float64(n), float64(l.Unfinished)/float64(n),
		(l.ClientUser+l.ClientSys)*1e9/float64(n))
	return bw.Flush()
}
