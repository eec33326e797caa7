package reports

import (
	"fmt"

	"github.com/corobench/corobench/results"
)

// crossLanguage gives one sentence per scenario and peer measured beside the
// Go models it answers for (those its design is like, as its scenario entry
// says: results.Design.Like): its throughput (or makespan) as a multiple of
// each model's. Nothing when the results hold no such peer.
func (a *analysis) crossLanguage() []string {
	var out []string
	for _, s := range a.scenarios {
		if s.kind != results.KindThroughput && s.kind != results.KindBatch {
			continue
		}
		byName := map[string]*target{}
		for _, t := range s.measured() {
			byName[t.name] = t
		}
		for _, peer := range s.measured() {
			like := a.design(peer.name).Like
			var parts []string
			for _, m := range like {
				if t := byName[m]; t != nil {
					parts = append(parts, comparePeer(s.kind, peer, t))
				}
			}
			if len(parts) == 0 {
				continue
			}
			what := fmtRate(peer.rate) + " req/s"
			if s.kind == results.KindBatch {
				what = "a makespan of " + fmtSeconds(peer.makespan)
			}
			out = append(out, fmt.Sprintf("%s: %s has %s, %s.", escape(s.Name), code(peer.name), what, joinAnd(parts)))
		}
	}
	return out
}

// comparePeer says how a peer compares with one Go model in one scenario.
func comparePeer(kind string, peer, model *target) string {
	if kind == results.KindBatch {
		if model.makespan <= 0 {
			return "no makespan for " + code(model.name)
		}
		return fmt.Sprintf("%s the time of %s (%s)", fmtRatio(peer.makespan/model.makespan), code(model.name), fmtSeconds(model.makespan))
	}
	if model.rate <= 0 {
		return "nothing from " + code(model.name)
	}
	return fmt.Sprintf("%s %s's (%s)", fmtRatio(peer.rate/model.rate), code(model.name), fmtRate(model.rate))
}

// joinAnd joins phrases as "a, b and c".
func joinAnd(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	out := parts[0]
	for _, p := range parts[1 : len(parts)-1] {
		out += ", " + p
	}
	return out + " and " + parts[len(parts)-1]
}
