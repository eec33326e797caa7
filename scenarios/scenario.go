// Package scenarios reads scenario files and runs them: for each repetition
// and each target, a fresh target process, warm-up, load, stop, and one
// results.Run. A scenario file says which targets, which load and which
// request mix; unknown keys and bad values are errors that name the file, the
// line and the key.
package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"time"

	"go.yaml.in/yaml/v3"
)

// Scenario is one scenario file.
type Scenario struct {
	Name        string    `yaml:"name"`
	Description string    `yaml:"description"`
	Targets     []string  `yaml:"targets"`
	Load        Load      `yaml:"load"`
	Requests    []Request `yaml:"requests"`
	Repetitions int       `yaml:"repetitions"`
	Pin         Pin       `yaml:"pin"`

	file string
	root *yaml.Node
}

// Load is the load a scenario sends.
type Load struct {
	Connections int      `yaml:"connections"`
	Duration    Duration `yaml:"duration"`
	Warmup      Duration `yaml:"warmup"`
	Timeout     Duration `yaml:"timeout"`
}

// Request is one entry of the request mix.
type Request struct {
	Method string `yaml:"method"`
	Path   string `yaml:"path"`
	Body   string `yaml:"body"`
	Weight int    `yaml:"weight"`
}

// Pin names the CPUs of the target and of the client ("0", "1-3"); empty is
// no pinning.
type Pin struct {
	Target string `yaml:"target"`
	Client string `yaml:"client"`
}

// Duration is a time.Duration written as "5s" or "250ms".
type Duration time.Duration

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration such as 5s or 250ms", n.Line, n.Value)
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
		return nil, fmt.Errorf("scenarios: %w", err)
	}
	return Parse(path, data)
}

// Parse reads a scenario from data; name is the file it came from.
func Parse(name string, data []byte) (*Scenario, error) {
	s := &Scenario{file: name, root: &yaml.Node{}}
	if err := yaml.Unmarshal(data, s.root); err != nil {
		return nil, fmt.Errorf("scenarios: %s: %w", name, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(s); err != nil {
		return nil, fmt.Errorf("scenarios: %s: %w", name, err)
	}
	s.defaults()
	if errs := s.Validate(); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return s, nil
}

// Defaults of a scenario's fields.
const (
	DefaultRepetitions = 1
	DefaultConnections = 50
	DefaultDuration    = 5 * time.Second
	DefaultWarmup      = time.Second
	DefaultTimeout     = 10 * time.Second
)

func (s *Scenario) defaults() {
	if s.Repetitions == 0 {
		s.Repetitions = DefaultRepetitions
	}
	if s.Load.Connections == 0 {
		s.Load.Connections = DefaultConnections
	}
	if s.Load.Duration == 0 {
		s.Load.Duration = Duration(DefaultDuration)
	}
	if s.Load.Warmup == 0 {
		s.Load.Warmup = Duration(DefaultWarmup)
	}
	if s.Load.Timeout == 0 {
		s.Load.Timeout = Duration(DefaultTimeout)
	}
	for i := range s.Requests {
		if s.Requests[i].Method == "" {
			s.Requests[i].Method = "GET"
		}
		if s.Requests[i].Weight == 0 {
			s.Requests[i].Weight = 1
		}
	}
}
