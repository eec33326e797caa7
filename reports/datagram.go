package reports

import (
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/corobench/corobench/results"
)

// datagramSummary writes what a datagram load measured beyond requests.
func datagramSummary(w io.Writer, l *results.Load, d *results.Datagram) {
	fmt.Fprintf(w, "  datagrams  %d sent, window %d, %d sockets; %d of %d clients served\n", d.Sent, d.Window, d.Sockets, d.Served, l.Conns)
	if len(d.Strays) > 0 {
		fmt.Fprintf(w, "  strays     %d:", d.StrayCount())
		for _, k := range slices.Sorted(maps.Keys(d.Strays)) {
			fmt.Fprintf(w, " %s %d", k, d.Strays[k])
		}
		fmt.Fprintln(w)
	}
	switch {
	case d.TargetDrops >= 0:
		fmt.Fprintf(w, "  kernel     dropped %d at the target's socket, %d at the client's; %d on the machine (RcvbufErrors)\n",
			d.TargetDrops, d.ClientDrops, d.RcvbufErrors)
	case d.RcvbufErrors >= 0:
		fmt.Fprintf(w, "  kernel     target's socket not on this machine; dropped %d at the client's; %d on the machine (RcvbufErrors, any socket's)\n",
			d.ClientDrops, d.RcvbufErrors)
	}
}
