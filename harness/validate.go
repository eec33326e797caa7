package harness

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/corobench/corobench/internal/affinity"
	"github.com/corobench/corobench/loadgen"
	"github.com/corobench/corobench/results"
)

// Defaults of a scenario's fields.
const (
	DefaultRepetitions = 1
	DefaultConnections = 50
	DefaultDuration    = 5 * time.Second
	DefaultIdleHold    = time.Second
	DefaultWarmup      = time.Second
	DefaultTimeout     = 10 * time.Second
	DefaultOpenRate    = 2000
)

// keyError is a problem with one key of the file.
type keyError struct {
	key string
	msg string
}

func (e keyError) Error() string { return e.msg }

// Validate returns every problem with the scenario's values, each as
// FILE:LINE: key: what is wrong.
func (s *Scenario) Validate() []error {
	var errs []error
	for _, e := range s.validate() {
		errs = append(errs, e)
	}
	return errs
}

func (s *Scenario) validate() []keyError {
	var errs []keyError
	bad := func(key, format string, args ...any) {
		errs = append(errs, keyError{key, fmt.Sprintf("%s:%d: %s: %s", s.file, s.line(key), key, fmt.Sprintf(format, args...))})
	}
	if s.Name == "" {
		bad("name", "is required")
	}
	if len(s.Targets) == 0 {
		bad("targets", "name at least one target")
	}
	seen := map[string]bool{}
	for i, t := range s.Targets {
		key := "targets." + strconv.Itoa(i)
		switch {
		case t.Name == "":
			bad(key+".name", "is required")
		case seen[t.Name]:
			bad(key+".name", "%q is listed twice", t.Name)
		}
		seen[t.Name] = true
		switch {
		case t.Remote():
			if t.External() {
				bad(key+".address", "a remote target is already running: give address or command, not both")
			}
			if t.Ready != "" || len(t.Env) > 0 {
				bad(key+".address", "ready and env are for a target the harness starts; a remote one is already running")
			}
			if _, err := t.remoteAddr(); err != nil {
				bad(key+".address", "%v", err)
			}
		case !t.External():
			if t.Ready != "" || len(t.Check) > 0 {
				bad(key+".command", "ready and check need a command (an external target) or an address (a remote one)")
			}
			if t.Analogue != "" || len(t.Like) > 0 {
				bad(key+".like", "analogue and like describe an external or remote target; a model describes itself")
			}
		default:
			if err := checkPlaceholders(t.Command, commandPlaceholders...); err != nil {
				bad(key+".command", "%v", err)
			}
		}
		if t.Insecure && !strings.HasPrefix(t.Address, "https://") {
			bad(key+".insecure", "is for an https address")
		}
		if err := checkPlaceholders(t.Check, checkPlaceholderSet...); err != nil {
			bad(key+".check", "%v (a check runs before the target has an address)", err)
		}
		for j, x := range t.Expect {
			s.validateExpect(bad, key+".expect."+strconv.Itoa(j), x)
		}
		if _, isLine := t.readyLine(); t.Ready != "" && t.Ready != ReadyPort && !isLine {
			bad(key+".ready", `must be "port" or "line: TEXT", not %q`, t.Ready)
		}
		if t.Parallelism < 0 {
			bad(key+".parallelism", "must not be negative")
		}
		if t.Model != "" && (t.External() || t.Remote()) {
			bad(key+".model", "is for a model; an external or remote target is not one")
		}
		switch t.Net {
		case "", NetTCP:
		case NetUDP:
			if t.External() || t.Remote() {
				bad(key+".net", "udp is for a model the harness starts")
			}
			if s.Load.Mode == results.ModeIdle || s.Load.ConnPerReq || s.Load.Pipeline > 1 || s.Load.ThinkTime > 0 {
				bad(key+".net", "udp takes a closed, open or batch load, without conn_per_request, pipeline or think_time")
			}
		default:
			bad(key+".net", "must be tcp or udp, not %q", t.Net)
		}
		for j, m := range t.Like {
			if m == "" || m == t.Name {
				bad(key+".like."+strconv.Itoa(j), "must name another target, not %q", m)
			}
		}
	}
	if s.Repetitions < 1 {
		bad("repetitions", "must be at least 1, not %d", s.Repetitions)
	}
	s.validateLoad(bad, seen)
	s.validateFiles(bad)
	for i, x := range s.Expect {
		s.validateExpect(bad, "expect."+strconv.Itoa(i), x)
	}
	if len(s.Requests) == 0 && s.Load.Mode != results.ModeIdle {
		bad("requests", "list at least one request")
	}
	for i := range s.Requests {
		r := &s.Requests[i]
		key := "requests." + strconv.Itoa(i)
		switch {
		case !strings.HasPrefix(r.Path, "/"):
			bad(key+".path", "must start with /, not %q", r.Path)
		case r.Weight < 0:
			bad(key+".weight", "must be positive, not %d", r.Weight)
		case r.Body != "" && r.BodyFile != "":
			bad(key+".body_file", "give body or body_file, not both")
		}
		if err := r.readBody(s.file); err != nil {
			bad(key+".body_file", "%v", err)
		}
		for name, value := range r.Headers {
			if err := (loadgen.Request{Method: "GET", Path: "/", Header: []loadgen.Header{{Name: name, Value: value}}}).Check(); err != nil {
				bad(key+".headers."+name, "%v", strings.TrimPrefix(err.Error(), "loadgen: "))
			}
		}
		if err := (loadgen.Request{Method: r.Method, Path: "/"}).Check(); err != nil {
			bad(key+".method", "must be a method such as GET, POST or PUT, not %q", r.Method)
		}
	}
	for _, k := range []string{"target", "client"} {
		v := map[string]string{"target": s.Pin.Target, "client": s.Pin.Client}[k]
		if v == PinAll {
			continue
		}
		if _, err := affinity.Parse(v); err != nil {
			bad("pin."+k, "%v; or all", err)
		}
	}
	for k := range s.Env {
		if k == "" || strings.ContainsAny(k, "= ") {
			bad("env", "%q is not a variable name", k)
		}
	}
	return errs
}

// readBody takes the request's body from body, or finds its body_file,
// relative to the scenario file, which is streamed as it is sent.
func (r *Request) readBody(scenarioFile string) error {
	if r.BodyFile == "" {
		if r.Body != "" {
			r.body = []byte(r.Body)
		}
		return nil
	}
	path := r.BodyFile
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(scenarioFile), path)
	}
	info, err := os.Stat(path)
	switch {
	case err != nil:
		return err
	case !info.Mode().IsRegular():
		return fmt.Errorf("%s is not a regular file", path)
	}
	r.bodyPath = path
	return nil
}

func (s *Scenario) validateLoad(bad func(key, format string, args ...any), targets map[string]bool) {
	l := &s.Load
	if l.Connections < 1 {
		bad("load.connections", "must be at least 1, not %d", l.Connections)
	}
	for name, n := range l.ByTarget {
		if !targets[name] {
			bad("load.connections_by_target."+name, "%q is not one of the targets", name)
		}
		if n < 1 {
			bad("load.connections_by_target."+name, "must be at least 1, not %d", n)
		}
	}
	if l.Duration < 0 {
		bad("load.duration", "must be positive")
	}
	if l.Warmup < 0 {
		bad("load.warmup", "must not be negative")
	}
	if l.Timeout < 0 {
		bad("load.timeout", "must be positive")
	}
	if l.ThinkTime < 0 {
		bad("load.think_time", "must not be negative")
	}
	if l.Pipeline < 0 {
		bad("load.pipeline", "must not be negative")
	}
	if l.Pipeline > 1 && l.ConnPerReq {
		bad("load.pipeline", "a connection per request cannot pipeline")
	}
	only := func(mode string, set bool, key string) {
		if set && l.Mode != mode {
			bad("load."+key, "applies to mode %s only (this is %s)", mode, l.Mode)
		}
	}
	only(results.ModeOpen, l.Rate != 0, "rate")
	only(results.ModeOpen, len(l.Phases) > 0, "phases")
	only(results.ModeBatch, l.Batch != 0, "batch")
	only(results.ModeClosed, l.ThinkTime != 0, "think_time")
	only(results.ModeClosed, l.Pipeline > 1, "pipeline")
	only(results.ModeIdle, l.Touch, "touch")
	only(results.ModeClosed, len(l.Background) > 0, "background_idle")
	only(results.ModeClosed, len(l.BackgroundByTarget) > 0, "background_idle_by_target")
	if l.OpenRate != 0 && l.Mode != results.ModeIdle && len(l.Background) == 0 && len(l.BackgroundByTarget) == 0 {
		bad("load.open_rate", "applies to mode idle or background_idle only")
	}
	counts := func(key string, ns []int) {
		seen := map[int]bool{}
		for i, n := range ns {
			switch {
			case n < 0:
				bad(key+"."+strconv.Itoa(i), "must not be negative, not %d", n)
			case seen[n]:
				bad(key+"."+strconv.Itoa(i), "%d is listed twice", n)
			}
			seen[n] = true
		}
	}
	counts("load.background_idle", l.Background)
	if len(l.BackgroundByTarget) > 0 && len(l.Background) == 0 {
		bad("load.background_idle_by_target", "needs background_idle, the counts of the other targets")
	}
	for name, ns := range l.BackgroundByTarget {
		key := "load.background_idle_by_target." + name
		if !targets[name] {
			bad(key, "%q is not one of the targets", name)
		}
		if len(ns) == 0 {
			bad(key, "list at least one count")
		}
		counts(key, ns)
	}
	switch l.Mode {
	case results.ModeClosed, results.ModeIdle:
	case results.ModeOpen:
		switch {
		case l.Rate == 0 && len(l.Phases) == 0:
			bad("load.mode", "mode open needs a rate or phases")
		case l.Rate != 0 && len(l.Phases) > 0:
			bad("load.rate", "set rate or phases, not both")
		case len(l.Phases) > 0 && l.Duration <= 0:
			bad("load.phases", "the phases must last longer than the warm-up (%s), which they include", time.Duration(l.Warmup))
		case l.Rate < 0:
			bad("load.rate", "must be positive")
		}
		for i, p := range l.Phases {
			key := "load.phases." + strconv.Itoa(i)
			if p.Rate <= 0 && p.end() <= 0 {
				bad(key+".rate", "a phase needs a positive rate")
			}
			if p.Rate < 0 || p.end() < 0 {
				bad(key+".rate", "must not be negative")
			}
			if p.For <= 0 {
				bad(key+".for", "must be positive")
			}
		}
	case results.ModeBatch:
		if l.Batch < 1 {
			bad("load.batch", "mode batch needs batch: the number of requests fired at once")
		}
		if l.ConnPerReq {
			bad("load.conn_per_request", "a batch already uses one connection per request")
		}
	default:
		bad("load.mode", "must be closed, open, batch or idle, not %q", l.Mode)
	}
	if l.OpenRate < 0 {
		bad("load.open_rate", "must be positive")
	}
}

func (s *Scenario) defaults() {
	if s.Repetitions == 0 {
		s.Repetitions = DefaultRepetitions
	}
	l := &s.Load
	if l.Mode == "" {
		l.Mode = results.ModeClosed
	}
	if l.Connections == 0 {
		l.Connections = DefaultConnections
	}
	if l.Warmup == 0 && (l.Mode == results.ModeClosed || l.Mode == results.ModeOpen) {
		l.Warmup = Duration(DefaultWarmup)
	}
	if len(l.Phases) > 0 && l.Duration == 0 {
		// The schedule begins with the warm-up.
		for i := range l.Phases {
			l.Duration += l.Phases[i].For
		}
		l.Duration -= l.Warmup
	}
	if l.Duration == 0 {
		l.Duration = Duration(DefaultDuration)
		if l.Mode == results.ModeIdle {
			l.Duration = Duration(DefaultIdleHold)
		}
	}
	if l.Timeout == 0 {
		l.Timeout = Duration(DefaultTimeout)
	}
	if l.OpenRate == 0 && (l.Mode == results.ModeIdle || len(l.Background) > 0 || len(l.BackgroundByTarget) > 0) {
		l.OpenRate = DefaultOpenRate
	}
	if len(s.Requests) == 0 && l.Mode == results.ModeIdle {
		s.Requests = []Request{{Path: "/health"}}
	}
	for i := range s.Requests {
		s.Requests[i].Method = strings.ToUpper(s.Requests[i].Method)
		if s.Requests[i].Method == "" {
			s.Requests[i].Method = "GET"
		}
		if s.Requests[i].Weight == 0 {
			s.Requests[i].Weight = 1
		}
	}
	for i := range s.Targets {
		if s.Targets[i].External() && !s.Targets[i].Remote() && s.Targets[i].Ready == "" {
			s.Targets[i].Ready = ReadyPort
		}
	}
}

// line finds the line of a dotted key ("load.connections", "requests.2.path")
// in the file; when the key is absent it gives the line of its nearest
// parent that is present.
func (s *Scenario) line(key string) int {
	n := s.root
	if n == nil || len(n.Content) == 0 {
		return 1
	}
	n = n.Content[0] // the document's top mapping
	line := n.Line
	for part := range strings.SplitSeq(key, ".") {
		next := child(n, part)
		if next == nil {
			return line
		}
		n, line = next, next.Line
	}
	return line
}

func child(n *yaml.Node, key string) *yaml.Node {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1]
			}
		}
	case yaml.SequenceNode:
		if i, err := strconv.Atoi(key); err == nil && i >= 0 && i < len(n.Content) {
			return n.Content[i]
		}
	}
	return nil
}
