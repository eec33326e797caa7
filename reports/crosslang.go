package reports

import "fmt"

// peerQuestion is one cross-language comparison: a peer from another
// language beside the Go models that share its design.
type peerQuestion struct {
	peer   string
	models []string
}

// peerQuestions are the questions the peers answer (targets/external): how
// gevent's coroutines compare with goroutines on one thread and on all
// cores; Python's threads (and the GIL) with Go's threads; Python's fork
// with Go's process per connection; asyncio and Node's single event loop
// with Go's event loops and coroutines.
var peerQuestions = []peerQuestion{
	{peer: "python-gevent", models: []string{"goroutine-1", "goroutine", "coro"}},
	{peer: "python-threads", models: []string{"thread", "threadpool"}},
	{peer: "python-fork", models: []string{"process"}},
	{peer: "python-asyncio", models: []string{"eventloop", "coro"}},
	{peer: "node", models: []string{"eventloop", "reactors"}},
	{peer: "node-http", models: []string{"eventloop", "reactors"}},
}

// crossLanguage gives one sentence per scenario and peer measured beside the
// Go models it answers for: its throughput (or makespan) as a multiple of
// each model's. Nothing when the results hold no peer.
func (a *analysis) crossLanguage() []string {
	var out []string
	for _, s := range a.scenarios {
		if s.kind != KindThroughput && s.kind != KindBatch {
			continue
		}
		byName := map[string]*target{}
		for _, t := range s.measured() {
			byName[t.name] = t
		}
		for _, q := range peerQuestions {
			peer := byName[q.peer]
			if peer == nil {
				continue
			}
			var parts []string
			for _, m := range q.models {
				if t := byName[m]; t != nil {
					parts = append(parts, comparePeer(s.kind, peer, t))
				}
			}
			if len(parts) == 0 {
				continue
			}
			what := fmtRate(peer.rate) + " req/s"
			if s.kind == KindBatch {
				what = "a makespan of " + fmtSeconds(peer.makespan)
			}
			out = append(out, fmt.Sprintf("%s: %s has %s, %s.", escape(s.Name), code(q.peer), what, joinAnd(parts)))
		}
	}
	return out
}

// comparePeer says how a peer compares with one Go model in one scenario.
func comparePeer(kind string, peer, model *target) string {
	if kind == KindBatch {
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
