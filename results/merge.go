package results

import (
	"fmt"
	"slices"
)

// MergeLoads merges the results of load generators that ran at the same
// time against one target (distributed load: one client per machine, each
// sending its share) into one: counts, rates, CPU and connections add up,
// histograms merge exactly, the elapsed time is the longest, and the
// series add up interval by interval (their p50 and p99 are the worst
// client's, as percentiles of separate series cannot be merged); chat
// rooms merge as Chat.merge says. Series of
// different intervals cannot be added: that is an error.
func MergeLoads(loads ...*Load) (*Load, error) {
	if len(loads) == 0 {
		return nil, fmt.Errorf("results: nothing to merge")
	}
	m := &Load{Mode: loads[0].Mode, Latency: NewHistogram(), Interval: loads[0].Interval}
	for i, l := range loads {
		if l.Mode != m.Mode {
			return nil, fmt.Errorf("results: cannot merge a %s load (#%d) with a %s load", l.Mode, i+1, m.Mode)
		}
		if len(l.Series) > 0 && len(loads[0].Series) > 0 && l.SeriesInterval() != loads[0].SeriesInterval() {
			return nil, fmt.Errorf("results: cannot merge a series of %gs intervals (#%d) with one of %gs", l.SeriesInterval(), i+1, loads[0].SeriesInterval())
		}
		m.Conns += l.Conns
		m.Elapsed = max(m.Elapsed, l.Elapsed)
		m.Requests += l.Requests
		m.Bytes += l.Bytes
		m.Reconnects += l.Reconnects
		m.TLSHandshakes += l.TLSHandshakes
		m.TLSResumed += l.TLSResumed
		m.Rate += l.Rate
		m.Dropped += l.Dropped
		m.Unfinished += l.Unfinished
		m.UnfinishedOldest = max(m.UnfinishedOldest, l.UnfinishedOldest)
		m.Pipeline = max(m.Pipeline, l.Pipeline)
		m.Makespan = max(m.Makespan, l.Makespan)
		addCounts(&m.Errors, l.Errors)
		if l.Latency != nil {
			m.Latency.Merge(l.Latency.Histogram)
		}
		if l.LatencyUncorrected != nil {
			if m.LatencyUncorrected == nil {
				m.LatencyUncorrected = NewHistogram()
			}
			m.LatencyUncorrected.Merge(l.LatencyUncorrected.Histogram)
		}
		for j, s := range l.Series {
			if j == len(m.Series) {
				m.Series = append(m.Series, Second{})
			}
			ms := &m.Series[j]
			ms.Requests += s.Requests
			ms.Errors += s.Errors
			ms.P50 = max(ms.P50, s.P50)
			ms.P99 = max(ms.P99, s.P99)
		}
		if (l.Datagram == nil) != (loads[0].Datagram == nil) {
			return nil, fmt.Errorf("results: cannot merge a load over datagrams with one over TCP (#%d)", i+1)
		}
		m.Datagram = m.Datagram.merge(l.Datagram)
		if (l.Chat == nil) != (loads[0].Chat == nil) {
			return nil, fmt.Errorf("results: cannot merge a chat room with another load (#%d)", i+1)
		}
		var err error
		if m.Chat, err = m.Chat.merge(l.Chat); err != nil {
			return nil, fmt.Errorf("results: #%d: %w", i+1, err)
		}
		m.ClientUser += l.ClientUser
		m.ClientSys += l.ClientSys
		for _, w := range l.Warnings {
			m.Warnings = append(m.Warnings, fmt.Sprintf("client %d: %s", i+1, w))
		}
	}
	slices.Sort(m.Warnings)
	return m, nil
}

// addCounts adds src's counts into *dst, making *dst only when there is
// something to add, so a merge of empty counts stays empty.
func addCounts(dst *map[string]int64, src map[string]int64) {
	for k, n := range src {
		if *dst == nil {
			*dst = map[string]int64{}
		}
		(*dst)[k] += n
	}
}
