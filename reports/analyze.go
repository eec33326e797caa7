package reports

import (
	"cmp"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/corobench/corobench/results"
	"github.com/montanaflynn/stats"
)

// analysis is everything the report shows, computed once from a results
// file: the markdown, the charts and the JSON summary all read it.
type analysis struct {
	file      *results.File
	scenarios []*scenario
	curveList []*curve                   // the curves drawn across scenarios
	models    []string                   // every target of every scenario, in the order they first appear
	designs   map[string]*results.Design // what each target is, by name
	cav       []caveat
}

// scenario is one scenario's numbers, one entry per target.
type scenario struct {
	*results.Scenario
	kind    string
	slug    string // file-name-safe name, for chart names
	targets []*target
	env     *results.Env // where it was measured
}

// target is one target's numbers in one scenario, over its repetitions.
type target struct {
	name   string
	runs   []results.Run
	ok     []results.Run // the repetitions that measured something
	failed int           // repetitions that failed

	rates  []float64 // throughput of each repetition, sorted
	rate   float64   // their median
	spread float64   // largest distance of a repetition from the median, as a fraction of it

	makespans []float64 // batch makespans, sorted
	makespan  float64   // their median

	latency    *results.Histogram // every repetition's latency merged; nil if none
	errors     int64
	dropped    int64
	unfinished int64

	hasRes      bool
	cpuPerReq   float64 // median over repetitions, µs
	peakRSS     int64   // largest over repetitions
	peakPSS     int64
	threads     int
	procs       int
	bound       *results.Bound
	idle        *results.Idle // the median repetition's
	idlePerConn float64
	// idleUnserved: some idle connections were never answered (held in the
	// backlog of a model with fewer workers), so their cost is not the
	// model's.
	idleUnserved bool
	seriesLoad   *results.Load // the median repetition's, whose series the timeline shows
}

// efficiency is how close the target came to its bound: 1 is the bound.
func (t *target) efficiency(kind string) float64 {
	if t.bound == nil {
		return 0
	}
	if kind == results.KindBatch {
		if t.makespan <= 0 || t.bound.Makespan <= 0 {
			return 0
		}
		return t.bound.Makespan / t.makespan
	}
	if t.bound.Throughput <= 0 {
		return 0
	}
	return t.rate / t.bound.Throughput
}

// analyze computes the report's numbers from f. It never changes f.
func analyze(f *results.File) *analysis {
	a := &analysis{file: f, designs: map[string]*results.Design{}}
	seen := map[string]bool{}
	slugs := map[string]bool{}
	for i := range f.Scenarios {
		s := &scenario{Scenario: &f.Scenarios[i], kind: kindOf(&f.Scenarios[i]), env: &f.Env}
		s.slug = uniqueSlug(slugify(s.Name), slugs)
		s.targets = groupTargets(s.Runs, s.kind)
		for _, r := range s.Runs {
			if a.designs[r.Target] == nil && r.Design != nil {
				a.designs[r.Target] = r.Design
			}
		}
		for _, t := range s.targets {
			if !seen[t.name] {
				seen[t.name] = true
				a.models = append(a.models, t.name)
			}
		}
		a.scenarios = append(a.scenarios, s)
	}
	order := func(x, y string) int { return compareModels(f.Models, x, y) }
	slices.SortStableFunc(a.models, order)
	for _, s := range a.scenarios {
		slices.SortStableFunc(s.targets, func(x, y *target) int { return order(x.name, y.name) })
	}
	a.curveList = a.groupCurves()
	a.cav = a.computeCaveats()
	return a
}

// kindOf is the scenario's kind, inferred from its runs in files written
// before the kind was recorded.
func kindOf(s *results.Scenario) string {
	if s.Kind != "" {
		return s.Kind
	}
	for _, r := range s.Runs {
		switch {
		case r.Idle != nil:
			return results.KindIdle
		case r.Load != nil && r.Load.Mode == results.ModeBatch:
			return results.KindBatch
		}
	}
	return results.KindThroughput
}

// groupTargets gathers runs by target, in display order.
func groupTargets(runs []results.Run, kind string) []*target {
	byName := map[string]*target{}
	var ts []*target
	for _, r := range runs {
		t := byName[r.Target]
		if t == nil {
			t = &target{name: r.Target}
			byName[r.Target] = t
			ts = append(ts, t)
		}
		t.runs = append(t.runs, r)
	}
	for _, t := range ts {
		t.compute(kind)
	}
	return ts
}

func (t *target) compute(kind string) {
	var cpu []float64
	var perConn []float64
	for _, r := range t.runs {
		if r.Bound != nil && t.bound == nil {
			t.bound = r.Bound
		}
		measured := r.Load != nil || (kind == results.KindIdle && r.Idle != nil)
		if !measured || (r.Error != "" && (r.Load == nil || r.Load.Requests == 0) && r.Idle == nil) {
			t.failed++
			continue
		}
		t.ok = append(t.ok, r)
		if r.Idle != nil {
			perConn = append(perConn, r.Idle.PerConn())
			t.idleUnserved = t.idleUnserved || (r.Idle.Touched && r.Idle.Answered < r.Idle.Conns)
		}
		if r.Resources != nil {
			t.hasRes = true
			t.peakRSS = max(t.peakRSS, r.Resources.PeakRSS)
			t.peakPSS = max(t.peakPSS, r.Resources.PeakPSS)
			t.threads = max(t.threads, r.Resources.MaxThreads)
			t.procs = max(t.procs, r.Resources.MaxProcesses)
		}
		l := r.Load
		if l == nil {
			continue
		}
		t.rates = append(t.rates, l.Throughput())
		if l.Makespan > 0 {
			t.makespans = append(t.makespans, l.Makespan)
		}
		if r.Resources != nil && l.Requests > 0 {
			cpu = append(cpu, r.Resources.CPUPerRequest(l.Requests))
		}
		t.errors += l.ErrorCount()
		t.dropped += l.Dropped
		t.unfinished += l.Unfinished
		if l.Latency != nil && l.Latency.Histogram != nil {
			if t.latency == nil {
				t.latency = results.NewHistogram()
			}
			t.latency.Merge(l.Latency.Histogram)
		}
	}
	slices.Sort(t.rates)
	slices.Sort(t.makespans)
	t.rate = median(t.rates)
	t.makespan = median(t.makespans)
	t.cpuPerReq = median(cpu)
	t.idlePerConn = median(perConn)
	t.spread = spread(t.rates, t.rate)
	if m := t.medianRun(); m != nil {
		t.idle = m.Idle
		t.seriesLoad = m.Load
	}
}

// medianRun is the measured repetition whose throughput (or idle memory) is
// the median: the one whose time series the charts show.
func (t *target) medianRun() *results.Run {
	if len(t.ok) == 0 {
		return nil
	}
	key := func(r *results.Run) float64 {
		if r.Load != nil {
			return r.Load.Throughput()
		}
		return r.Idle.PerConn()
	}
	idx := make([]int, len(t.ok))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(key(&t.ok[a]), key(&t.ok[b])) })
	return &t.ok[idx[(len(idx)-1)/2]]
}

// median of values; 0 for none.
func median(xs []float64) float64 {
	m, err := stats.Median(xs)
	if err != nil {
		return 0
	}
	return m
}

// spread is the largest distance of a value from their median m, as a
// fraction of m; 0 for none, or when m is not positive.
func spread(xs []float64, m float64) float64 {
	lo, err := stats.Min(xs)
	if err != nil || !(m > 0) {
		return 0
	}
	hi, _ := stats.Max(xs)
	return max(m-lo, hi-m) / m
}

// compareModels orders targets as the results' list of models does, and
// the others after them by name.
func compareModels(models []string, a, b string) int {
	rank := func(name string) int {
		if i := slices.Index(models, name); i >= 0 {
			return i
		}
		return len(models)
	}
	if ra, rb := rank(a), rank(b); ra != rb {
		return cmp.Compare(ra, rb)
	}
	return strings.Compare(a, b)
}

// design is what the results say a target is; empty when they say nothing.
func (a *analysis) design(name string) results.Design {
	if d := a.designs[name]; d != nil {
		return *d
	}
	return results.Design{}
}

// withTextbook is the target whose design stands for that row of the
// textbook's efficiency test, "" for none.
func (a *analysis) withTextbook(row string) string {
	for _, m := range a.models {
		if a.design(m).Textbook == row {
			return m
		}
	}
	return ""
}

// unsafeSlug is compiled on first use, not at every start of the binary.
var unsafeSlug = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[^a-z0-9]+`) })

// uniqueSlug is slug, or slug-2, slug-3 … the first that used does not
// hold, which it then holds: scenarios "x", "x" and "x-2" get x, x-2 and
// x-2-2, so no two scenarios' charts share a file.
func uniqueSlug(slug string, used map[string]bool) string {
	s := slug
	for n := 2; used[s]; n++ {
		s = slug + "-" + strconv.Itoa(n)
	}
	used[s] = true
	return s
}

// slugify makes a scenario name safe as a file name: "CPU bound" → "cpu-bound".
func slugify(name string) string {
	s := strings.Trim(unsafeSlug().ReplaceAllString(strings.ToLower(name), "-"), "-")
	return cmp.Or(s, "scenario")
}
