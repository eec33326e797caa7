package loadgen

import (
	"fmt"
	"time"

	"github.com/corobench/corobench/results"
)

// AchievedShare is the share of an open-loop run's asked rate below which
// the result warns that the rate was not achieved.
const AchievedShare = 0.95

// warnings are the caveats of a finished run that the numbers alone do not
// show: interrupted, unanswered, dropped, short of the asked rate.
func warnings(cfg *config, l *results.Load, interrupted bool) []string {
	var w []string
	if interrupted {
		w = append(w, fmt.Sprintf("interrupted: measured %.1fs of %s", l.Elapsed, cfg.duration))
	}
	if l.Unfinished > 0 && l.UnfinishedOldest >= 0.1*l.Elapsed {
		msg := fmt.Sprintf("unfinished: %d requests were still unanswered at the end, the oldest for %s",
			l.Unfinished, seconds(l.UnfinishedOldest).Round(time.Millisecond))
		if l.Mode != results.ModeBatch && l.UnfinishedOldest >= 0.9*l.Elapsed && l.Elapsed > 0 {
			msg += " — as long as the measured run: connections were held unanswered (a backlog?), and their latency is not in the histogram"
		}
		w = append(w, msg)
	}
	if l.Dropped > 0 {
		w = append(w, fmt.Sprintf("dropped: %d requests found no free connection when due (pool of at most %d); they were not sent",
			l.Dropped, cfg.maxConns))
	}
	if l.Mode == results.ModeOpen && l.Rate > 0 && l.Elapsed > 0 {
		if got := l.Throughput(); got < AchievedShare*l.Rate {
			w = append(w, fmt.Sprintf("rate: achieved %.0f req/s of the %.0f asked (%.0f%%)", got, l.Rate, 100*got/l.Rate))
		}
	}
	return w
}
