package harness

import (
	"cmp"
	"fmt"
	"net"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/corobench/corobench/results"
)

// TargetSpec is one entry of a scenario's targets: a model name (written as a
// plain string), or an external target, a command that listens on the port
// the harness gives it.
type TargetSpec struct {
	Name        string            `yaml:"name" doc:"required; names the target in results"`
	Command     []string          `yaml:"command" doc:"the command line of an external target; {addr}, {host} and {port} are replaced, {root} by the run's file root, and {build} by the build under test (run -build, ab -a and -b); relative paths resolve against the current directory"`
	Ready       string            `yaml:"ready" doc:"when the target is ready: port (default over tcp: the port accepts a connection) or line: TEXT (a line on its stdout holds TEXT; required over udp)"`
	Check       []string          `yaml:"check" doc:"a command run first; if it fails the target is skipped, with the reason in the results; {build} is replaced"`
	Env         map[string]string `yaml:"env" doc:"environment variables added to this target's process"`
	Parallelism int               `yaml:"parallelism" doc:"requests it serves at once, for the bound (default: unknown, no bound; models know their own)"`
	Analogue    string            `yaml:"analogue" doc:"what the target is, in a few words, for the report (models know their own)"`
	Like        []string          `yaml:"like" doc:"models whose design the target shares; the report compares it with those of them in the same scenario"`
	Expect      []string          `yaml:"expect" doc:"gates for this target alone, added to the scenario's expect"`
	Address     string            `yaml:"address" doc:"a remote target, already running, instead of a command: host:port, http://host:port or https://host[:port]; the harness neither starts nor samples it, so its CPU and memory columns stay empty"`
	Insecure    bool              `yaml:"insecure" doc:"an https address: do not verify its certificate"`
	Model       string            `yaml:"model" doc:"the model to serve when name is not one, so that a model can be listed twice (over tcp and over udp)"`
	Net         string            `yaml:"net" doc:"tcp (default) or udp: the model (serve -net udp) or the command serves the datagram form of the protocol, or the chat room over udp, and the load is sent as datagrams (docs/datagrams.md)"`
	Service     string            `yaml:"service" doc:"http (default) or chat: what the target serves (serve -service chat, docs/chat.md); a chat load's targets serve chat (the default there)"`
}

// Transports a target may be loaded over (TargetSpec.Net).
const (
	NetTCP = "tcp"
	NetUDP = "udp"
)

// model is the model a target that is one serves.
func (t TargetSpec) model() string { return cmp.Or(t.Model, t.Name) }

// Datagrams reports whether t is loaded over UDP.
func (t TargetSpec) Datagrams() bool { return t.Net == NetUDP }

// Remote reports whether t is a server already running, which the harness
// loads but neither starts nor samples.
func (t TargetSpec) Remote() bool { return t.Address != "" }

// remote is where a remote target listens.
type remote struct {
	addr  string // host:port
	https bool
	host  string // for the TLS server name
}

// remoteAddr reads a remote target's address.
func (t TargetSpec) remoteAddr() (remote, error) {
	a := t.Address
	var r remote
	scheme, rest, ok := strings.Cut(a, "://")
	if ok {
		if scheme != "http" && scheme != "https" {
			return r, fmt.Errorf("want host:port, http://host:port or https://host[:port], not %q", a)
		}
		r.https, a = scheme == "https", strings.TrimSuffix(rest, "/")
		if _, _, err := net.SplitHostPort(a); err != nil {
			port := "80"
			if r.https {
				port = "443"
			}
			a = net.JoinHostPort(strings.Trim(a, "[]"), port)
		}
	}
	host, port, err := net.SplitHostPort(a)
	if err != nil || host == "" || port == "" || strings.ContainsAny(a, "/?# ") {
		return r, fmt.Errorf("want host:port, http://host:port or https://host[:port], not %q", t.Address)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return r, fmt.Errorf("port %q is not a port number", port)
	}
	r.addr, r.host = a, host
	return r, nil
}

// design is what the results say of an external target.
func (t TargetSpec) design() *results.Design {
	if t.Analogue == "" && len(t.Like) == 0 {
		return nil
	}
	return &results.Design{Analogue: t.Analogue, Like: t.Like}
}

// External reports whether t is a command rather than one of the models.
func (t TargetSpec) External() bool { return len(t.Command) > 0 }

// UnmarshalYAML implements yaml.Unmarshaler: a plain string is a model name.
func (t *TargetSpec) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		t.Name = n.Value
		return nil
	}
	type plain TargetSpec // without this method
	return n.Decode((*plain)(t))
}

// Readiness rules of an external target.
const (
	ReadyPort       = "port"
	readyLinePrefix = "line:"
)

// readyLine is the text a "line: TEXT" rule waits for; ok is false for the
// port rule.
func (t TargetSpec) readyLine() (text string, ok bool) {
	rest, ok := strings.CutPrefix(t.Ready, readyLinePrefix)
	return strings.TrimSpace(rest), ok
}

// placeholder matches {name}; compiled on first use, as yamlLine.
var placeholder = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\{[a-z]*\}`) })

// BuildPlaceholder stands for the build under test in an external target's
// command and check: `corobench run -build` fills it, and `corobench ab`
// fills it with -a on one side and -b on the other, so that one scenario
// file A/Bs two builds of any server.
const BuildPlaceholder = "{build}"

// expand replaces the placeholders of every argument: {addr}, {host} and
// {port} by the address the target is given, {build} by build. An argument
// that is {build} alone becomes the build's words, so that a build may be a
// command ("python3 v1/server.py") as well as a path.
func expand(argv []string, host, port, build string) []string {
	r := strings.NewReplacer("{addr}", host+":"+port, "{host}", host, "{port}", port, BuildPlaceholder, build)
	out := make([]string, 0, len(argv))
	for _, a := range argv {
		if a == BuildPlaceholder {
			out = append(out, strings.Fields(build)...)
			continue
		}
		out = append(out, r.Replace(a))
	}
	return out
}

// checkPlaceholders returns the first placeholder of argv not in known.
func checkPlaceholders(argv []string, known ...string) error {
	for _, a := range argv {
		for _, p := range placeholder().FindAllString(a, -1) {
			if !slices.Contains(known, p) {
				return fmt.Errorf("unknown placeholder %s; the placeholders here are %s", p, strings.Join(known, ", "))
			}
		}
	}
	return nil
}

// The placeholders of a command, and of a check (which runs before the
// target has an address).
var (
	commandPlaceholders = []string{"{addr}", "{host}", "{port}", BuildPlaceholder, RootPlaceholder}
	checkPlaceholderSet = []string{BuildPlaceholder}
)

// RootPlaceholder stands for the run's file root in an external target's
// command (see Files).
const RootPlaceholder = "{root}"

// withRoot replaces RootPlaceholder in argv by root.
func withRoot(argv []string, root string) []string {
	out := make([]string, len(argv))
	for i, a := range argv {
		out[i] = strings.ReplaceAll(a, RootPlaceholder, root)
	}
	return out
}

// UsesBuild reports whether the target's command or check names the build
// under test ({build}).
func (t TargetSpec) UsesBuild() bool {
	for _, a := range append(slices.Clip(t.Command), t.Check...) {
		if strings.Contains(a, BuildPlaceholder) {
			return true
		}
	}
	return false
}

// CheckBuild checks that build gives the target a command that can be
// found, when the build is the command's program ({build} in its first
// word): a typo in a path then fails before anything runs.
func (t TargetSpec) CheckBuild(build string) error {
	if len(t.Command) == 0 || !strings.Contains(t.Command[0], BuildPlaceholder) {
		return nil
	}
	argv := expand(t.Command, "127.0.0.1", "0", build)
	if len(argv) == 0 {
		return fmt.Errorf("%s: the build %q leaves no command", t.Name, build)
	}
	if _, err := exec.LookPath(argv[0]); err != nil {
		return fmt.Errorf("%s: %w", t.Name, err)
	}
	return nil
}
