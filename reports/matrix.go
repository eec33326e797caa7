package reports

import "github.com/corobench/corobench/results"

// matrix is the summary: one row per model, one column per throughput
// scenario, each cell the median req/s and its fraction of the column's
// best, the best in bold. Nil when no scenario measures throughput.
func (a *analysis) matrix() *table {
	var cols []*scenario
	for _, s := range a.scenarios {
		if s.kind == results.KindThroughput {
			cols = append(cols, s)
		}
	}
	if len(cols) == 0 {
		return nil
	}
	heads := []column{l("model")}
	best := make([]float64, len(cols))
	for i, s := range cols {
		heads = append(heads, r(escape(s.Name)+" (req/s)"))
		for _, t := range s.targets {
			best[i] = max(best[i], t.rate)
		}
	}
	tb := newTable(heads...)
	for _, m := range a.models {
		row := []string{escape(m)}
		present := false
		for i, s := range cols {
			t := s.find(m)
			switch {
			case t == nil:
				row = append(row, dash)
				continue
			case len(t.rates) == 0:
				row = append(row, "failed")
			case t.rate == best[i]:
				row = append(row, bold(fmtRate(t.rate))+" (1.00)")
			default:
				row = append(row, fmtRate(t.rate)+" ("+fmtFraction(t.rate/best[i])+")")
			}
			present = true
		}
		if present {
			tb.add(row...)
		}
	}
	return tb
}

// find returns the named target's numbers, or nil.
func (s *scenario) find(name string) *target {
	for _, t := range s.targets {
		if t.name == name {
			return t
		}
	}
	return nil
}
