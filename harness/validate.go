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
			if t.Remote() {
				bad(key+".net", "udp is for a target the harness starts (a model or a command)")
			}
			if _, isLine := t.readyLine(); t.External() && !t.Remote() && !isLine {
				bad(key+".ready", `a target over udp accepts no connection to poll: give ready: "line: TEXT", a line it prints once it listens`)
			}
			if s.Load.Mode == results.ModeIdle || s.Load.ConnPerReq || s.Load.Pipeline > 1 || s.Load.ThinkTime > 0 {
				bad(key+".net", "udp takes a closed, open or batch load (or a chat room), without conn_per_request, pipeline or think_time")
			}
		default:
			bad(key+".net", "must be tcp or udp, not %q", t.Net)
		}
		switch {
		case t.Service != "" && t.Service != ServiceHTTP && t.Service != ServiceChat:
			bad(key+".service", "must be http or chat, not %q", t.Service)
		case s.Load.Mode == results.ModeChat && t.Service != ServiceChat:
			bad(key+".service", "a chat load needs a target that serves chat")
		case s.Load.Mode != results.ModeChat && t.Service == ServiceChat:
			bad(key+".service", "a target that serves chat takes a chat load (load.mode chat)")
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
	if len(s.Requests) == 0 && s.Load.Mode != results.ModeIdle && s.Load.Mode != results.ModeChat {
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

func (s *Scenario) defaults() {
	if s.Repetitions == 0 {
		s.Repetitions = DefaultRepetitions
	}
	defer s.chatDefaults()
	l := &s.Load
	if l.Mode == "" {
		l.Mode = results.ModeClosed
	}
	if l.Connections == 0 {
		l.Connections = DefaultConnections
	}
	if l.Warmup == 0 && (l.Mode == results.ModeClosed || l.Mode == results.ModeOpen || l.Mode == results.ModeChat) {
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
		if s.Targets[i].External() && !s.Targets[i].Remote() && s.Targets[i].Ready == "" && !s.Targets[i].Datagrams() {
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
