package harness

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// shapeChecker walks a scenario file's YAML tree against the Go types it
// decodes into, and reports every unknown key and every value of the wrong
// type, as FILE:LINE: key: problem. A wrong value is replaced by null, so
// that decoding goes on and the values around it are checked too.
type shapeChecker struct {
	file     string
	errs     []error
	reported map[string]bool // keys with a problem already said
}

func schemaOf(s *Scenario) reflect.Type { return reflect.TypeOf(*s) }

var (
	durationType = reflect.TypeOf(Duration(0))
	sizeType     = reflect.TypeOf(Size(0))
	targetType   = reflect.TypeOf(TargetSpec{})
)

func (c *shapeChecker) bad(n *yaml.Node, key, format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf("%s:%d: %s: %s", c.file, n.Line, key, fmt.Sprintf(format, args...)))
	c.reported[key] = true
}

func (c *shapeChecker) check(n *yaml.Node, t reflect.Type, key string) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // absent: the default
	}
	name := key
	if name == "" {
		name = "(top)"
	}
	wrong := func(want string) {
		c.bad(n, name, "want %s, not %s", want, describe(n))
		*n = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: n.Line, Column: n.Column}
	}
	switch {
	case t == durationType:
		if _, err := time.ParseDuration(n.Value); n.Kind != yaml.ScalarNode || err != nil {
			wrong("a duration such as 5s or 250ms")
		}
		return
	case t == sizeType:
		if _, err := ParseSize(n.Value); n.Kind != yaml.ScalarNode || err != nil {
			wrong("a size such as 4096, 4KiB or 8MiB")
		}
		return
	case t == targetType && n.Kind == yaml.ScalarNode:
		if n.Tag != "!!str" {
			wrong("a model name or a mapping")
		}
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		c.check(n, t.Elem(), key)
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			wrong("a mapping")
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			f, ok := fieldByTag(t, k.Value)
			if !ok {
				c.bad(k, join(key, k.Value), "unknown key; the keys here are %s", strings.Join(tags(t), ", "))
				continue
			}
			c.check(v, f.Type, join(key, k.Value))
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			wrong("a list")
			return
		}
		for i, e := range n.Content {
			c.check(e, t.Elem(), join(key, fmt.Sprint(i)))
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			wrong("a mapping")
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			c.check(n.Content[i+1], t.Elem(), join(key, n.Content[i].Value))
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			wrong("a string")
		}
	case reflect.Int:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			wrong("a whole number")
		}
	case reflect.Float64:
		if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") {
			wrong("a number")
		}
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			wrong("true or false")
		}
	}
}

// fieldByTag finds the field of struct t whose yaml tag is name.
func fieldByTag(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if f.IsExported() && yamlName(f) == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// tags lists the yaml keys of struct t, in order.
func tags(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() && yamlName(f) != "" {
			out = append(out, yamlName(f))
		}
	}
	return out
}

func yamlName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return name
}

func join(key, part string) string {
	if key == "" {
		return part
	}
	return key + "." + part
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return fmt.Sprintf("%q", n.Value)
}
