// Command chat benchmarks the chat room (make bench-chat): every model that
// serves chat, over each transport it serves it on (as `corobench models
// -json` lists them), and the Python chat peers, each pinned to one CPU and
// the load generator to another.
//
// It sweeps the room's size (-sizes members, each sending -rate messages a
// second) to find, per target, the largest room whose delivery p99 stays
// under -p99; a target leaves the sweep at the first size it misses. At
// that size it then runs the room again, with no slow member and with a
// share of them (-slow) that never read, side by side: deliveries per
// second, the target's CPU time per delivery, its memory per member (peak
// PSS over the members, less its PSS before they joined), and the reading
// members' p99 with and without the slow ones. The run with slow members
// is measured long enough for them to be kicked (their sockets fill, then
// -kick passes), -slow-reps times. Beside each target, the share of its runnable time it
// waited for its core and the share of its own core the load generator
// used: when either is high, the machine or the client set the numbers. Every step runs every
// target in turn, -reps times interleaved (corobench run), and takes the
// median. Run it from the repository root under the measure lock:
//
//	flock /tmp/corobench-measure.lock bash scripts/bench-chat.sh
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/corobench/corobench/results"
)

// target is one server in the sweep: a model over a transport, or a peer.
type target struct {
	name string
	yaml string // its entry in a scenario's targets list
}

type bench struct {
	bin, work            string
	sizes                []int
	rate                 float64
	msgSize              int
	slow                 float64
	p99                  time.Duration
	duration, warmup     time.Duration
	join, grace          time.Duration
	reps, slowReps       int
	targetCPU, clientCPU string
	kick                 time.Duration // the targets' kick bound
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "bench-chat:", err)
		os.Exit(2)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	b := &bench{}
	sizes := fs.String("sizes", "25,50,100,150,200", "room sizes to sweep, members, ascending")
	only := fs.String("targets", "", "comma-separated targets to run (default: every chat model and transport, and the peers)")
	peers := fs.Bool("peers", true, "add the Python chat peers (python-chat-gevent, python-chat-udp) when installed")
	fs.StringVar(&b.bin, "bin", "bin/corobench", "the corobench binary")
	fs.StringVar(&b.work, "o", "", "directory for the scenarios and results (default: a new temporary one)")
	fs.Float64Var(&b.rate, "rate", 10, "messages a second each reading member sends")
	fs.IntVar(&b.msgSize, "size", 64, "bytes of each message's text")
	fs.Float64Var(&b.slow, "slow", 0.05, "share of slow members (never reading) in the comparison")
	fs.DurationVar(&b.p99, "p99", 50*time.Millisecond, "the delivery p99 a room must stay under")
	fs.DurationVar(&b.duration, "duration", 2*time.Second, "measured time of each run")
	fs.DurationVar(&b.warmup, "warmup", 500*time.Millisecond, "warm-up of each run, after the joins")
	fs.DurationVar(&b.join, "join", 500*time.Millisecond, "time over which the members join")
	fs.DurationVar(&b.grace, "grace", 500*time.Millisecond, "time a message may take before it counts as lost")
	fs.IntVar(&b.reps, "reps", 2, "repetitions of each step, interleaved")
	fs.IntVar(&b.slowReps, "slow-reps", 1, "repetitions of the run with slow members (it is long: it outlasts the kick bound)")
	fs.StringVar(&b.targetCPU, "target-cpu", "0", "CPUs of the target")
	fs.StringVar(&b.clientCPU, "client-cpu", "1", "CPUs of the load generator")
	fs.DurationVar(&b.kick, "kick", 5*time.Second, "the targets' kick bound (their -chat-kick): the slow run is measured long enough to pass it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for s := range strings.SplitSeq(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 2 {
			return fmt.Errorf("-sizes: %q is not a room size", s)
		}
		b.sizes = append(b.sizes, n)
	}
	slices.Sort(b.sizes)
	if b.work == "" {
		dir, err := os.MkdirTemp("", "bench-chat-")
		if err != nil {
			return err
		}
		b.work = dir
	}
	if err := os.MkdirAll(b.work, 0o755); err != nil {
		return err
	}
	targets, err := b.targets(ctx, *peers)
	if err != nil {
		return err
	}
	if *only != "" {
		keep := strings.Split(*only, ",")
		targets = slices.DeleteFunc(targets, func(t target) bool { return !slices.Contains(keep, t.name) })
	}
	if len(targets) == 0 {
		return fmt.Errorf("no target serves chat")
	}
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("# bench-chat %s: %d targets; sizes %v at %g messages/s, %d bytes; p99 bound %s; %s measured, %d reps; target CPU %s, client CPU %s; load average %s\n",
		time.Now().UTC().Format(time.RFC3339), len(targets), b.sizes, b.rate, b.msgSize, b.p99, b.duration, b.reps,
		b.targetCPU, b.clientCPU, strings.Join(strings.Fields(string(load))[:min(3, len(strings.Fields(string(load))))], " "))
	sw, err := b.sweep(ctx, targets)
	if err != nil {
		return err
	}
	rows, err := b.compare(ctx, targets, sw)
	if err != nil {
		return err
	}
	load, _ = os.ReadFile("/proc/loadavg")
	fmt.Printf("\n# done %s; load average %s; results under %s\n\n", time.Now().UTC().Format(time.RFC3339),
		strings.Join(strings.Fields(string(load))[:min(3, len(strings.Fields(string(load))))], " "), b.work)
	return writeTable(os.Stdout, b, rows)
}

// targets are the chat models and transports `corobench models -json`
// lists, then the peers that can run here.
func (b *bench) targets(ctx context.Context, peers bool) ([]target, error) {
	out, err := exec.CommandContext(ctx, b.bin, "models", "-json").Output()
	if err != nil {
		return nil, fmt.Errorf("%s models -json: %w", b.bin, err)
	}
	var models []struct {
		Name string   `json:"name"`
		Chat []string `json:"chat"`
	}
	if err := json.Unmarshal(out, &models); err != nil {
		return nil, fmt.Errorf("models -json: %w", err)
	}
	var ts []target
	for _, m := range models {
		for _, n := range m.Chat {
			switch n {
			case "tcp":
				ts = append(ts, target{name: m.Name, yaml: fmt.Sprintf("{name: %s}", m.Name)})
			case "udp":
				ts = append(ts, target{name: m.Name + "-udp", yaml: fmt.Sprintf("{name: %s-udp, model: %s, net: udp}", m.Name, m.Name)})
			}
		}
	}
	if !peers {
		return ts, nil
	}
	const py = "/usr/bin/python3"
	for _, p := range []struct{ name, script, check, extra string }{
		{"python-chat-gevent", "chat_gevent_server.py", "import gevent.server", ""},
		{"python-chat-udp", "chat_udp_server.py", "import socket", `, net: udp, ready: 'line: "service":"chat"'`},
	} {
		if exec.CommandContext(ctx, py, "-c", p.check).Run() != nil {
			fmt.Fprintf(os.Stderr, "bench-chat: %s skipped: %s -c %q fails\n", p.name, py, p.check)
			continue
		}
		ts = append(ts, target{name: p.name, yaml: fmt.Sprintf(`{name: %s, command: [%s, targets/external/python/%s, --host, "{host}", --port, "{port}"]%s}`,
			p.name, py, p.script, p.extra)})
	}
	return ts, nil
}

// scenario writes a chat scenario of ts, a room of members with a share
// slow, measured for d, reps times, and returns its path.
func (b *bench) scenario(name string, ts []target, members int, slow float64, d time.Duration, reps int) (string, error) {
	var s strings.Builder
	fmt.Fprintf(&s, "name: %s\ndescription: bench-chat, %d members, %g slow\ntargets:\n", name, members, slow)
	for _, t := range ts {
		fmt.Fprintf(&s, "  - %s\n", t.yaml)
	}
	fmt.Fprintf(&s, "load:\n  mode: chat\n  duration: %s\n  warmup: %s\n", d, b.warmup)
	fmt.Fprintf(&s, "  chat: {members: %d, rate: %g, size: %d, slow: %g, join: %s, grace: %s}\n",
		members, b.rate, b.msgSize, slow, b.join, b.grace)
	fmt.Fprintf(&s, "repetitions: %d\npin: {target: %q, client: %q}\n", reps, b.targetCPU, b.clientCPU)
	path := filepath.Join(b.work, name+".yaml")
	return path, os.WriteFile(path, []byte(s.String()), 0o644)
}

// runScenarios runs the scenario files in one corobench run, into dir, and
// reads its results.
func (b *bench) runScenarios(ctx context.Context, dir string, files ...string) (*results.File, error) {
	args := append([]string{"run", "-o", dir}, files...)
	cmd := exec.CommandContext(ctx, b.bin, args...)
	log, err := os.Create(dir + ".log")
	if err != nil {
		return nil, err
	}
	defer log.Close()
	cmd.Stdout, cmd.Stderr = log, log
	err = cmd.Run()
	f, rerr := results.ReadFile(filepath.Join(dir, "results.json"))
	if rerr != nil {
		return nil, fmt.Errorf("corobench %s: %v; %w (see %s.log)", strings.Join(args, " "), err, rerr, dir)
	}
	return f, nil // a run that failed is in the results, as an error
}
