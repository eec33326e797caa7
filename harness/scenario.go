// Package harness reads scenario files (the suite lives in scenarios/, as
// data) and runs them: for each repetition and each target, a fresh target
// process, pinned and sampled from /proc, warm-up, load, stop, and one
// results.Run with what the load generator measured, what the target's
// process tree used and the bound physics allows. A scenario file says which
// targets, which load and which request mix; unknown keys and bad values are
// errors that name the file, the line and the key, all reported at once.
package harness

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/corobench/corobench/loadgen"
)

// Scenario is one scenario file. The doc tags are the schema's
// documentation: docs/scenarios.md is generated from them (a test keeps it
// in sync).
type Scenario struct {
	Name        string            `yaml:"name" doc:"required; names the scenario in results and reports"`
	Description string            `yaml:"description" doc:"what the scenario shows; reports print it"`
	Targets     []TargetSpec      `yaml:"targets" doc:"required; model names, or external targets (mappings, see below)"`
	Load        Load              `yaml:"load" doc:"the load to send"`
	Requests    []Request         `yaml:"requests" doc:"the weighted request mix; required except for load.mode idle (GET /health) and chat (none)"`
	Repetitions int               `yaml:"repetitions" doc:"runs of every target, interleaved (default 1)"`
	Pin         Pin               `yaml:"pin" doc:"CPU pinning of the target and the client"`
	Env         map[string]string `yaml:"env" doc:"environment variables added to every target's process"`
	Expect      []string          `yaml:"expect" doc:"gates checked against every target's runs, such as p99 < 50ms, errors == 0, req/s > 1000 (docs/ci.md); one that fails makes run and ab exit 1"`
	Files       *Files            `yaml:"files" doc:"a file root for every run, filled with a corpus; a scenario whose requests ask for /files/ or /disk gets an empty one without it"`

	file string
	root *yaml.Node
}

// Load is the load a scenario sends.
type Load struct {
	Mode        string         `yaml:"mode" doc:"closed (default), open, batch, idle or chat (members of a chat room: load.chat)"`
	Connections int            `yaml:"connections" doc:"connections (closed: each with one request in flight; open: the most in flight; idle: how many to open) (default 50)"`
	ByTarget    map[string]int `yaml:"connections_by_target" doc:"connections for some targets, by target name, instead of connections"`
	Duration    Duration       `yaml:"duration" doc:"closed, open: how long to measure, after the warm-up (default 5s); idle: how long to hold the connections before measuring (default 1s)"`
	Warmup      Duration       `yaml:"warmup" doc:"closed, open, chat: load sent first and not counted (default 1s; chat: after the joins)"`
	Timeout     Duration       `yaml:"timeout" doc:"bound on connecting and on each request; a batch's bound (default 10s)"`
	Rate        float64        `yaml:"rate" doc:"open: arrival rate in requests per second, for the whole duration"`
	Phases      []Phase        `yaml:"phases" doc:"open: a schedule of rates instead of rate; it begins with the warm-up, and the duration is what follows"`
	Batch       int            `yaml:"batch" doc:"batch: requests fired at once, each on its own connection; the run times the last answer"`
	ConnPerReq  bool           `yaml:"conn_per_request" doc:"closed, open: a new connection for every request (default false: keep-alive)"`
	Pipeline    int            `yaml:"pipeline" doc:"closed: requests in flight per connection, pipelined (default 1)"`
	ThinkTime   Duration       `yaml:"think_time" doc:"closed: pause between an answer and the next request on a connection"`
	Touch       bool           `yaml:"touch" doc:"idle: send one request on each connection, so the target has read from it"`
	OpenRate    float64        `yaml:"open_rate" doc:"idle, background_idle: connections opened per second (default 2000)"`
	// Background lists idle connection counts: the C10K curve.
	Background         []int            `yaml:"background_idle" doc:"closed: idle connections the target holds while the measured ones run, each opened and sent one request before the run and held until it ends; one run per count, each count its own scenario in the results (name/idle=N), so that reports draw the curve"`
	BackgroundByTarget map[string][]int `yaml:"background_idle_by_target" doc:"background_idle for some targets, by target name, instead (select cannot watch descriptors past 1,024)"`
	Chat               *ChatLoad        `yaml:"chat" doc:"chat: the room (see below); its targets serve chat"`
}

// Phase is one step of an open-loop schedule: rate for a while, or a linear
// ramp from rate to to.
type Phase struct {
	Rate float64  `yaml:"rate" doc:"requests per second at the phase's start"`
	To   *float64 `yaml:"to" doc:"requests per second at its end: a linear ramp, to zero included (default: rate, constant)"`
	For  Duration `yaml:"for" doc:"how long the phase lasts"`
}

// end is the phase's rate at its end: To, or Rate when To is not given.
func (p Phase) end() float64 {
	if p.To == nil {
		return p.Rate
	}
	return *p.To
}

// Request is one entry of the request mix.
type Request struct {
	Method   string            `yaml:"method" doc:"GET (default), POST, PUT, HEAD or any other method"`
	Path     string            `yaml:"path" doc:"path and query, such as /cpu?us=1000"`
	Headers  map[string]string `yaml:"headers" doc:"header fields sent with the request, by name (Host sets the Host; the client writes Content-Length itself)"`
	Body     string            `yaml:"body" doc:"the request's body"`
	BodyFile string            `yaml:"body_file" doc:"the request's body, streamed from this file as it is sent (relative to the scenario file; any size); not with body"`
	Weight   int               `yaml:"weight" doc:"relative weight in the mix (default 1)"`

	body     []byte // of body
	bodyPath string // of body_file
}

// loadgen is the request as the load generator takes it: headers in the
// order of their names, so that a run is the same every time.
func (r Request) loadgen() loadgen.Request {
	q := loadgen.Request{Method: r.Method, Path: r.Path, Body: r.body, BodyFile: r.bodyPath, Weight: r.Weight}
	for _, name := range slices.Sorted(maps.Keys(r.Headers)) {
		q.AddHeader(loadgen.Header{Name: name, Value: r.Headers[name]})
	}
	return q
}

// Pin names the CPUs of the target and of the client: a CPU list ("0",
// "1-3"), "all" (not pinned), or empty for the default (the target on the
// first CPU, the client on the others; not pinned with one CPU). Numbers
// count within the CPUs this process may use (see Pin.resolve).
type Pin struct {
	Target string `yaml:"target" doc:"CPUs of the target: a list such as 0 or 0-3, or all (default 0)"`
	Client string `yaml:"client" doc:"CPUs of the load generator, likewise (default: the other CPUs)"`
}

// PinAll is the Pin value that leaves a process free on every CPU.
const PinAll = "all"

// Duration is a time.Duration written as "5s" or "250ms".
type Duration time.Duration

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("%q is not a duration such as 5s or 250ms", n.Value)
	}
	*d = Duration(v)
	return nil
}

// File is the path the scenario was read from.
func (s *Scenario) File() string { return s.file }

// LoadFile reads and checks a scenario file. Every problem is reported, each
// as FILE:LINE: key: what is wrong.
func LoadFile(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("harness: %w", err)
	}
	return Parse(path, data)
}

// yamlLine finds the line in the YAML library's errors. It is compiled on
// first use, not at start: every start of the binary (a process-model
// child's too) would pay for it.
var yamlLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^yaml: line (\d+): (.*)$`) })

// Parse reads a scenario from data; name is the file it came from. It
// checks the shape of the file (unknown keys, wrong types) and then its
// values, and reports every problem at once.
func Parse(name string, data []byte) (*Scenario, error) {
	s := &Scenario{file: name, root: &yaml.Node{}}
	if err := yaml.Unmarshal(data, s.root); err != nil {
		if m := yamlLine().FindStringSubmatch(err.Error()); m != nil {
			return nil, fmt.Errorf("%s:%s: %s", name, m[1], m[2])
		}
		return nil, fmt.Errorf("%s:1: %w", name, err)
	}
	if len(s.root.Content) == 0 {
		return nil, fmt.Errorf("%s:1: the file is empty", name)
	}
	sc := &shapeChecker{file: name, reported: map[string]bool{}}
	sc.check(s.root.Content[0], schemaOf(s), "")
	if err := s.root.Decode(s); err != nil {
		sc.errs = append(sc.errs, fmt.Errorf("%s:1: %w", name, err))
	}
	s.defaults()
	errs := sc.errs
	for _, e := range s.validate() {
		if !sc.reported[e.key] {
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return s, nil
}
