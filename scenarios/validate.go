package scenarios

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/corobench/corobench/internal/affinity"
	"go.yaml.in/yaml/v3"
)

// Validate returns every problem of the scenario, each naming file, line and key.
func (s *Scenario) Validate() []error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s:%d: %s: %s", s.file, s.line(key), key, fmt.Sprintf(format, args...)))
	}
	if s.Name == "" {
		bad("name", "is required")
	}
	if len(s.Targets) == 0 {
		bad("targets", "name at least one target")
	}
	if s.Repetitions < 1 {
		bad("repetitions", "must be at least 1, not %d", s.Repetitions)
	}
	if s.Load.Connections < 1 {
		bad("load.connections", "must be at least 1, not %d", s.Load.Connections)
	}
	if s.Load.Duration < 0 {
		bad("load.duration", "must be positive")
	}
	if s.Load.Warmup < 0 {
		bad("load.warmup", "must not be negative")
	}
	if len(s.Requests) == 0 {
		bad("requests", "list at least one request")
	}
	for i, r := range s.Requests {
		key := "requests." + strconv.Itoa(i)
		if !strings.HasPrefix(r.Path, "/") {
			bad(key+".path", "must start with /, not %q", r.Path)
		}
		if r.Method != "GET" && r.Method != "POST" {
			bad(key+".method", "must be GET or POST, not %q", r.Method)
		}
		if r.Weight < 0 {
			bad(key+".weight", "must be positive, not %d", r.Weight)
		}
	}
	if _, err := affinity.Parse(s.Pin.Target); err != nil {
		bad("pin.target", "%v", err)
	}
	if _, err := affinity.Parse(s.Pin.Client); err != nil {
		bad("pin.client", "%v", err)
	}
	return errs
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
