package reports

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/corobench/corobench/results"
)

// LoadSummary writes the human summary of one load run, as `corobench load`
// prints it, and returns the first write error.
func LoadSummary(w io.Writer, addr string, l *results.Load) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%s load on %s: %d connections, %.1fs measured", l.Mode, addr, l.Conns, l.Elapsed)
	if l.Engine != "" {
		fmt.Fprintf(bw, ", %s engine", l.Engine)
	}
	fmt.Fprintln(bw)
	if l.Chat != nil {
		fmt.Fprintf(bw, "  deliveries %d (%.0f/s), each message read by a member of the room\n", l.Requests, l.Throughput())
	} else {
		fmt.Fprintf(bw, "  requests   %d (%.0f req/s)\n", l.Requests, l.Throughput())
	}
	if l.Bytes > 0 && l.Elapsed > 0 {
		fmt.Fprintf(bw, "  received   %s in answers (%s/s)\n", fmtBytes(float64(l.Bytes)), fmtBytes(float64(l.Bytes)/l.Elapsed))
	}
	if l.TLSHandshakes > 0 {
		fmt.Fprintf(bw, "  tls        %d handshakes, %d of them resumed\n", l.TLSHandshakes, l.TLSResumed)
	}
	if l.Reconnects > 0 {
		fmt.Fprintf(bw, "  reconnects %d (connections the target closed, opened again)\n", l.Reconnects)
	}
	if l.Requests > 0 {
		h := l.Latency
		fmt.Fprintf(bw, "  latency    p50 %s  p90 %s  p99 %s  p99.9 %s  max %s\n",
			fmtDuration(h.Quantile(0.5)), fmtDuration(h.Quantile(0.9)), fmtDuration(h.Quantile(0.99)),
			fmtDuration(h.Quantile(0.999)), fmtDuration(h.Quantile(1)))
	}
	if u := l.LatencyUncorrected; u != nil && u.TotalCount() > 0 {
		fmt.Fprintf(bw, "  uncorrected p50 %s  p90 %s  p99 %s  p99.9 %s  max %s (from the actual send)\n",
			fmtDuration(u.Quantile(0.5)), fmtDuration(u.Quantile(0.9)), fmtDuration(u.Quantile(0.99)),
			fmtDuration(u.Quantile(0.999)), fmtDuration(u.Quantile(1)))
	}
	if l.Mode == results.ModeOpen {
		fmt.Fprintf(bw, "  rate       %.0f req/s asked, %.0f achieved; %d dropped\n", l.Rate, l.Throughput(), l.Dropped)
	}
	if l.Mode == results.ModeBatch {
		fmt.Fprintf(bw, "  makespan   %s (first send to last answer)\n", fmtDuration(time.Duration(l.Makespan*float64(time.Second))))
	}
	if l.Unfinished > 0 {
		fmt.Fprintf(bw, "  unfinished %d, the oldest waiting %s\n", l.Unfinished, fmtDuration(time.Duration(l.UnfinishedOldest*float64(time.Second))))
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
	if d := l.Datagram; d != nil {
		datagramSummary(bw, l, d)
	}
	if c := l.Chat; c != nil {
		chatSummary(bw, c)
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
