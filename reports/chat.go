package reports

import (
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/corobench/corobench/results"
)

// chatSummary is the chat part of a load's summary.
func chatSummary(w io.Writer, c *results.Chat) {
	fmt.Fprintf(w, "  room       %s, %d members (%d joined, %d slow), %g messages/s each, %d bytes", c.Net, c.Members, c.Joined, c.Slow, c.Rate, c.Size)
	if c.Churn > 0 {
		fmt.Fprintf(w, ", churn %g/s (%d rejoined)", c.Churn, c.Rejoins)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  messages   %d sent in the window; over the run %d read, %d lost (%.2f%%), %d duplicated, %d out of order\n",
		c.Sent, c.Received, c.Lost, 100*c.LossShare(), c.Duplicated, c.OutOfOrder)
	if len(c.Strays) > 0 {
		fmt.Fprintf(w, "  strays    ")
		for _, k := range slices.Sorted(maps.Keys(c.Strays)) {
			fmt.Fprintf(w, " %s %d", k, c.Strays[k])
		}
		fmt.Fprintln(w)
	}
	if s := c.Server; s != nil {
		fmt.Fprintf(w, "  the room   says %d messages, %d deliveries, %d dropped, %d members disconnected, %d members at the end\n",
			s.Messages, s.Deliveries, s.Dropped, s.Kicked, s.Members)
	}
}
