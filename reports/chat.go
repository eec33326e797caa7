package reports

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

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
	if c.Net == "udp" {
		client, target, rest := c.LossSplit()
		fmt.Fprintf(w, "  lost at    the members' sockets %d (%s dropped), the target's socket %d (%s dropped), elsewhere %d\n",
			client, dropsCell(c.ClientDrops), target, dropsCell(c.TargetDrops), rest)
	}
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

// dropsCell is a kernel's drop count, or "?" when not known.
func dropsCell(n int64) string {
	if n < 0 {
		return "?"
	}
	return fmtInt(n)
}

// isChat reports whether the scenario loaded a chat room.
func (s *scenario) isChat() bool {
	for _, t := range s.targets {
		for _, r := range t.ok {
			if r.Load != nil && r.Load.Chat != nil {
				return true
			}
		}
	}
	return false
}

// chatTable is a chat scenario's table: per model, the deliveries and
// their latency, what was lost or dropped, and what a delivery cost the
// target (CPU) and a member its memory. Medians over the repetitions;
// losses, drops and disconnections add up. Over UDP the loss is split:
// dropped at the members' sockets, with messages dropped at the target's
// socket, and elsewhere (results.Chat.LossSplit).
func (a *analysis) chatTable(s *scenario) *table {
	tb := newTable(l("model"), r("deliveries/s (median)"), r("delivery p50"), r("delivery p99"), r("lost"),
		r("lost at client / target sockets / elsewhere"), r("dropped by the room"), r("members disconnected"), r("target CPU / delivery"), r("memory / member"), r("client CPU / delivery"))
	for _, t := range s.targets {
		name := a.modelCell(s, t.name)
		if len(t.ok) == 0 {
			tb.add(name, "failed")
			continue
		}
		var (
			lost, owed, dropped, kicked int64
			atClient, atTarget, rest    int64
			server, udp                 bool
			mem, client                 []float64
		)
		for _, run := range t.ok {
			c := run.Load.Chat
			if c == nil {
				continue
			}
			lost += c.Lost
			owed += c.Lost + c.Received
			if c.Net == "udp" {
				udp = true
				cl, tg, re := c.LossSplit()
				atClient, atTarget, rest = atClient+cl, atTarget+tg, rest+re
			}
			if c.Server != nil {
				server = true
				dropped += c.Server.Dropped
				kicked += c.Server.Kicked
			}
			if m := c.MemoryPerMember(run.Resources); m > 0 {
				mem = append(mem, m)
			}
			client = append(client, run.Load.ClientCPUPerDelivery())
		}
		lostCell := fmtInt(lost)
		if lost > 0 && owed > 0 {
			lostCell += " (" + fmtPercent(float64(lost)/float64(owed)) + ")"
		}
		split := dash
		if udp {
			split = fmtInt(atClient) + " / " + fmtInt(atTarget) + " / " + fmtInt(rest)
		}
		droppedCell, kickedCell := dash, dash
		if server {
			droppedCell, kickedCell = fmtInt(dropped), fmtInt(kicked)
		}
		cpu := dash
		if t.cpuPerReq > 0 {
			cpu = fmtMicros(t.cpuPerReq)
		}
		memCell := dash
		if len(mem) > 0 {
			slices.Sort(mem)
			memCell = fmtBytes(median(mem))
		}
		slices.Sort(client)
		tb.add(name, fmtRate(t.rate)+spreadCell(t.rates, t.rate), t.quantile(0.5), t.quantile(0.99), lostCell, split,
			droppedCell, kickedCell, cpu, memCell, fmtMicros(median(client)))
	}
	return tb
}

// chatLoadLine describes a chat load: "chat room over tcp, 50 members (3
// slow) at 10 messages/s each, 64-byte messages"; nets are the transports
// the scenario's rooms ran over ("tcp and udp" when they differ).
func chatLoadLine(l *results.Load, nets []string) string {
	c := l.Chat
	if c == nil {
		return "chat room"
	}
	if len(nets) == 0 {
		nets = []string{c.Net}
	}
	slices.Sort(nets)
	s := fmt.Sprintf("chat room over %s, %s", strings.Join(nets, " and "), plural(c.Members, "member"))
	if c.Slow > 0 {
		s += fmt.Sprintf(" (%d never reading)", c.Slow)
	}
	s += fmt.Sprintf(" at %s messages/s each, %d-byte messages", fmtRate(c.Rate), c.Size)
	if c.Churn > 0 {
		s += fmt.Sprintf(", %s leaving and coming back a second", fmtRate(c.Churn))
	}
	return s
}
