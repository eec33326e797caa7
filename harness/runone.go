package harness

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/corobench/corobench/internal/affinity"
	"github.com/corobench/corobench/internal/bound"
	"github.com/corobench/corobench/internal/procstat"
	"github.com/corobench/corobench/loadgen"
	"github.com/corobench/corobench/results"
)

// CheckTimeout bounds an external target's check command.
const CheckTimeout = 10 * time.Second

// SkippedPrefix begins the Error of a run that was skipped (an external
// target whose check failed): a skip is not a failure of the suite.
const SkippedPrefix = "skipped: "

// runOne runs one repetition of one target: start it, sample it, load it,
// stop it, and say what physics allows.
func (r *Runner) runOne(ctx context.Context, s *Scenario, spec TargetSpec, rep int, pin pinning, allowed []int, p point) results.Run {
	run := results.Run{Target: spec.Name, Rep: rep}
	if len(spec.Check) > 0 {
		if err := check(ctx, expand(spec.Check, "", "", r.Build)); err != nil {
			run.Error = SkippedPrefix + err.Error()
			return run
		}
	}
	conns := cmp.Or(s.Load.ByTarget[spec.Name], s.Load.Connections)
	if spec.Remote() {
		if p.idle > 0 {
			run.Error = "a curve's idle connections (background_idle) are held against a target the harness starts, whose CPU it measures; a remote target's it cannot"
			return run
		}
		return r.runRemote(ctx, s, spec, run, conns, pin, allowed)
	}
	if s.Load.Mode == results.ModeIdle || p.idle > 0 {
		// Before the target starts, so that it inherits the limit.
		if err := raiseFileLimit(conns + p.idle + 64); err != nil {
			run.Warnings = append(run.Warnings, err.Error())
		}
	}
	var root string
	if s.NeedsRoot() {
		var err error
		if root, err = s.makeRoot(); err != nil {
			run.Error = "did not start: " + oneLine(strings.TrimPrefix(err.Error(), "harness: "))
			return run
		}
		defer os.RemoveAll(root)
	}
	t, err := r.start(ctx, s, spec, pin, allowed, root)
	switch {
	case err != nil && !spec.External() && strings.Contains(err.Error(), "unknown model"):
		run.Error = fmt.Sprintf("did not start: unknown model %q: this corobench does not have it", spec.model())
		return run
	case err != nil:
		run.Error = "did not start: " + oneLine(strings.TrimPrefix(err.Error(), "harness: "))
		return run
	}
	run.GOMAXPROCS = t.Ready.GOMAXPROCS
	run.Warnings = append(run.Warnings, t.Ready.Warnings...)
	run.Design = spec.design()
	if t.Ready.Analogue != "" || t.Ready.Textbook != "" {
		run.Design = &results.Design{Analogue: t.Ready.Analogue, Textbook: t.Ready.Textbook}
	}

	// The run ends early if the target exits: a crash is not waited out.
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-t.Done():
			cancel()
		case <-runCtx.Done():
		}
	}()
	watcher := procstat.NewWatcher(t.PID())
	watcher.Mark()
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		watcher.Run(runCtx, procstat.DefaultInterval)
	}()

	release := func() {} // the background's idle connections
	if s.Load.Mode == results.ModeIdle {
		var warnings []string
		run.Idle, warnings, err = holdIdle(runCtx, t.Ready.Addr, conns, s.Load, watcher)
		run.Warnings = append(run.Warnings, warnings...)
	} else {
		if p.curve {
			var warnings []string
			run.Background, warnings, release = holdBackground(runCtx, t.Ready.Addr, p.idle, s.Load)
			run.Warnings = append(run.Warnings, warnings...)
		}
		var mark *time.Timer
		joins, _ := s.Load.chatTimes()
		if s.Load.Mode != results.ModeBatch {
			mark = time.AfterFunc(joins+time.Duration(s.Load.Warmup), func() { watcher.Mark() })
		}
		base, _ := watcher.Sample() // before a chat room's members join
		opts := loadOptions(s, conns)
		if spec.Datagrams() {
			opts = append(opts, loadgen.WithNet(loadgen.NetUDP))
		}
		run.Load, err = loadgen.Run(runCtx, t.Ready.Addr, opts...)
		if run.Load != nil && run.Load.Chat != nil {
			run.Load.Chat.BasePSS = base.PSS
		}
		if mark != nil {
			mark.Stop()
		}
	}
	if err != nil && ctx.Err() == nil {
		run.Error = oneLine(err.Error())
	}
	watcher.Sample() // the end of the measured window
	release()        // after it: closing them is the target's work too
	cancel()
	<-sampled
	if err := t.Stop(DefaultStopTimeout); err != nil {
		if errors.Is(err, ErrExited) {
			run.Error = "target " + oneLine(err.Error())
		} else {
			run.Warnings = append(run.Warnings, "target "+oneLine(err.Error()))
		}
	}
	if s.Load.Mode != results.ModeIdle {
		run.Resources = watcher.Resources()
	}
	if run.Load != nil {
		run.Warnings = append(run.Warnings, run.Load.Warnings...)
		run.CPUPerRequest = run.Resources.CPUPerRequest(run.Load.Requests)
		r.bound(&run, s, spec, t.Ready, conns, cores(pin.target, allowed))
	}
	return run
}

// start starts the target pinned to its CPUs: this process pins itself to
// them while it starts the target, which inherits the pinning, and then to
// the client's CPUs. Models are also told their CPUs.
func (r *Runner) start(ctx context.Context, s *Scenario, spec TargetSpec, pin pinning, allowed []int, root string) (t *Target, err error) {
	if err := affinity.PinSelf(orAll(pin.target, allowed)); err != nil {
		return nil, fmt.Errorf("harness: pin the target: %w", err)
	}
	defer func() {
		if perr := affinity.PinSelf(orAll(pin.client, allowed)); perr != nil && err == nil {
			t.Kill()
			t, err = nil, fmt.Errorf("harness: pin the client: %w", perr)
		}
	}()
	env := envList(s.Env, spec.Env)
	timeout := cmp.Or(r.ReadyTimeout, DefaultReadyTimeout)
	if spec.External() {
		spec.Command = withRoot(spec.Command, root)
		return StartExternal(ctx, spec, env, r.Build, timeout)
	}
	argv := []string{r.Binary, "serve", "-model", spec.model(), "-addr", "127.0.0.1:0",
		"-cpu-rate", strconv.FormatFloat(float64(r.Rate), 'f', -1, 64)}
	if spec.Datagrams() {
		argv = append(argv, "-net", NetUDP)
	}
	if spec.Service == ServiceChat {
		argv = append(argv, "-service", ServiceChat)
	}
	if len(pin.target) > 0 {
		argv = append(argv, "-cpus", affinity.Format(pin.target))
	}
	argv = append(argv, s.rootArgs(root)...)
	return start(ctx, argv, env, timeout, readyJSON, "")
}

// bound fills run.Bound and flags a measurement that beats it.
func (r *Runner) bound(run *results.Run, s *Scenario, spec TargetSpec, ready Ready, conns, k int) {
	w, ok := s.work(r.Rate)
	if !ok {
		return
	}
	var m bound.Model
	switch {
	case ready.Parallelism != nil:
		m = *ready.Parallelism
	case spec.Parallelism > 0:
		m = bound.Model{Slots: spec.Parallelism, CPU: spec.Parallelism}
	default:
		return // a target that does not say: no bound
	}
	var b *results.Bound
	if s.Load.Mode == results.ModeBatch {
		b = bound.Batch(w, m, k, s.Load.Batch)
	} else {
		b = bound.Throughput(w, m, bound.Load{Conns: conns, Cores: k, Rate: s.Load.meanRate()})
	}
	if warn := bound.Check(b, run.Load.Throughput(), run.Load.Makespan); warn != "" {
		run.Warnings = append(run.Warnings, warn)
	}
	run.Bound = b
}

// check runs an external target's check command.
func check(ctx context.Context, argv []string) error {
	if len(argv) == 0 {
		return fmt.Errorf("check: an empty command (is {build} empty?)")
	}
	ctx, cancel := context.WithTimeout(ctx, CheckTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	// In a group of its own, killed whole at the deadline; and the output
	// is not waited for past pipeWaitDelay, should something it started
	// hold the pipe (the command's own exit status is what counts).
	cmd.SysProcAttr = groupAttr()
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = pipeWaitDelay
	out, err := cmd.CombinedOutput()
	if cmd.Process != nil {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // what it left behind
	}
	if errors.Is(err, exec.ErrWaitDelay) {
		err = nil
	}
	if err != nil {
		msg := strings.TrimSpace(string(out))
		if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
			msg = msg[i+1:]
		}
		return fmt.Errorf("check %q failed: %v: %s", strings.Join(argv, " "), err, msg)
	}
	return nil
}

func envList(maps ...map[string]string) []string {
	var env []string
	for _, m := range maps {
		for k, v := range m {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// oneLine keeps an error to one line in the results.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
