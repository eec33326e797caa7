package harness

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/corobench/corobench/internal/bound"
)

// Bounds on a target's life cycle.
const (
	DefaultReadyTimeout = 10 * time.Second
	DefaultStopTimeout  = 5 * time.Second
	// readyPoll is how often a target with the port rule is tried.
	readyPoll = 20 * time.Millisecond
	// pipeWaitDelay is how long a process's output is waited for once it
	// has exited (or been killed): something it started may hold it open.
	pipeWaitDelay = time.Second
)

// Ready is the one line a model prints on stdout when it listens. An
// external target prints nothing the harness needs: its Ready is made up
// from the address the harness gave it and its pid.
type Ready struct {
	Model string `json:"model"`
	// Net is the transport it serves: tcp (when empty) or udp.
	Net string `json:"net,omitempty"`
	// Service is what it serves: HTTP (when empty) or chat.
	Service    string `json:"service,omitempty"`
	Addr       string `json:"addr"`
	PID        int    `json:"pid"`
	GOMAXPROCS int    `json:"gomaxprocs,omitempty"`
	// Parallelism says how many requests the model serves at once and
	// computes at once, as it was made, for the bound; nil when it does not
	// say (an external target's comes from its scenario file).
	Parallelism *bound.Model `json:"parallelism,omitempty"`
	// Analogue and Textbook describe the model (see results.Design).
	Analogue string `json:"analogue,omitempty"`
	Textbook string `json:"textbook,omitempty"`
	// Warnings are what the model says is wrong with how it runs (a child
	// program that is missing, say); each run's results carry them.
	Warnings []string `json:"warnings,omitempty"`
}

// Target is a running target process.
type Target struct {
	cmd    *exec.Cmd
	Ready  Ready
	stderr *tailBuffer
	done   chan struct{} // closed when the process has exited and been reaped
	err    error         // the exit error, once done is closed
}

// Start starts argv, a model that prints a Ready line, in its own process
// group, and waits for that line.
func Start(ctx context.Context, argv []string, timeout time.Duration) (*Target, error) {
	return start(ctx, argv, nil, timeout, readyJSON, "")
}

// readyJSON reads a model's ready line.
func readyJSON(line string) (Ready, bool, error) {
	var r Ready
	if err := json.Unmarshal([]byte(line), &r); err != nil || r.Addr == "" {
		return r, false, fmt.Errorf("bad ready line %q", strings.TrimSpace(line))
	}
	return r, true, nil
}

// StartExternal starts an external target on a free port of 127.0.0.1 and
// waits until it is ready by its rule: the port accepts, or a line of its
// stdout holds a text. env is added to the environment; build replaces
// {build} in its command.
func StartExternal(ctx context.Context, spec TargetSpec, env []string, build string, timeout time.Duration) (*Target, error) {
	if spec.UsesBuild() && strings.TrimSpace(build) == "" {
		return nil, fmt.Errorf("harness: %s: its command names {build}, and no build was given (run -build, ab -a and -b)", spec.Name)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := net.JoinHostPort("127.0.0.1", port)
	argv := expand(spec.Command, "127.0.0.1", port, build)
	text, byLine := spec.readyLine()
	match := func(line string) (Ready, bool, error) {
		return Ready{Model: spec.Name, Addr: addr}, byLine && strings.Contains(line, text), nil
	}
	poll := addr
	if byLine {
		poll = ""
	}
	t, err := start(ctx, argv, env, timeout, match, poll)
	if err != nil {
		return nil, err
	}
	t.Ready = Ready{Model: spec.Name, Addr: addr, PID: t.cmd.Process.Pid}
	return t, nil
}

// start runs argv and waits until match accepts a line of its stdout, or
// (when poll is an address) until that address accepts a connection.
func start(ctx context.Context, argv, env []string, timeout time.Duration,
	match func(string) (Ready, bool, error), poll string) (*Target, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	name := filepath.Base(argv[0])
	cmd.SysProcAttr = groupAttr()
	// What the target leaves in its group may hold its stderr: the exit is
	// not waited for past that.
	cmd.WaitDelay = pipeWaitDelay
	if len(env) > 0 {
		cmd.Env = append(os.Environ(), env...)
	}
	t := &Target{cmd: cmd, stderr: &tailBuffer{max: 4 << 10}, done: make(chan struct{})}
	cmd.Stderr = t.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("harness: start %s: %w", argv[0], err)
	}
	if err := startLocked(cmd, t); err != nil {
		return nil, fmt.Errorf("harness: start %s: %w", argv[0], err)
	}
	type result struct {
		r   Ready
		err error
	}
	found := make(chan result, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sent := false
		for sc.Scan() {
			if sent {
				continue // keep the pipe drained until the target exits
			}
			if r, ok, err := match(sc.Text()); ok || err != nil {
				found <- result{r, err}
				sent = true
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	var tick <-chan time.Time
	if poll != "" {
		tk := time.NewTicker(readyPoll)
		defer tk.Stop()
		tick = tk.C
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		select {
		case f := <-found:
			if f.err != nil {
				t.Kill()
				return nil, fmt.Errorf("harness: %s: %w", name, f.err)
			}
			t.Ready = f.r
			return t, nil
		case <-tick:
			if c, err := net.DialTimeout("tcp", poll, readyPoll); err == nil {
				c.Close()
				return t, nil
			}
		case <-t.done:
			t.Kill() // what it left in its group
			return nil, fmt.Errorf("harness: %s exited before it was ready: %v%s", name, t.err, t.stderr.suffix())
		case <-deadline.C:
			t.Kill()
			return nil, fmt.Errorf("harness: %s not ready within %s%s", name, timeout, t.stderr.suffix())
		case <-ctx.Done():
			t.Kill()
			return nil, ctx.Err()
		}
	}
}

// startLocked starts cmd from a goroutine locked to its OS thread, which
// then waits for the process and closes t.done once it is reaped. The
// parent-death signal (Pdeathsig) is sent when the thread that started the
// child ends, not the process: a thread Go might end (one a goroutine locked
// and left locked) would kill the target mid-run. This thread lives as long
// as the target.
func startLocked(cmd *exec.Cmd, t *Target) error {
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		t.err = cmd.Wait()
		close(t.done)
	}()
	return <-started
}

// freePort asks the kernel for a free port of 127.0.0.1. Another process may
// take it before the target does; the target then fails to start, and says so.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("harness: find a free port: %w", err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), nil
}

// PID is the target's process id: the root of its process tree.
func (t *Target) PID() int { return t.cmd.Process.Pid }

// Done is closed when the target has exited and been reaped.
func (t *Target) Done() <-chan struct{} { return t.done }

// Exited reports whether the target has exited, and how.
func (t *Target) Exited() (bool, error) {
	select {
	case <-t.done:
		return true, t.err
	default:
		return false, nil
	}
}

// ErrExited is wrapped by Stop's error when the target had already exited,
// and ErrKilled when it did not exit in time and was killed.
var (
	ErrExited = errors.New("exited during the run")
	ErrKilled = errors.New("killed")
)

// Stop asks the target to stop (SIGTERM), and kills its whole process group
// if it has not exited within timeout; what it leaves in its group is killed
// too. It returns how the target exited.
func (t *Target) Stop(timeout time.Duration) error {
	defer syscall.Kill(-t.cmd.Process.Pid, syscall.SIGKILL) // strays of the group
	if done, err := t.Exited(); done {
		return fmt.Errorf("%w: %v%s", ErrExited, err, t.stderr.suffix())
	}
	t.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-t.done:
		if t.err != nil {
			return fmt.Errorf("exited badly on SIGTERM: %v%s", t.err, t.stderr.suffix())
		}
		return nil
	case <-time.After(timeout):
		t.Kill()
		return fmt.Errorf("did not stop within %s of SIGTERM; %w", timeout, ErrKilled)
	}
}

// Kill ends the target's whole process group and waits for the reaping.
func (t *Target) Kill() {
	syscall.Kill(-t.cmd.Process.Pid, syscall.SIGKILL)
	<-t.done
}

// tailBuffer keeps the last max bytes written to it: a target's stderr, for
// error messages.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if len(b.buf) > b.max {
		b.buf = b.buf[len(b.buf)-b.max:]
	}
	return len(p), nil
}

// suffix is the stderr tail, ready to end an error message: its last line
// only, so that a results file holds one line per failure.
func (b *tailBuffer) suffix() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := string(bytes.TrimSpace(b.buf))
	if s == "" {
		return ""
	}
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return "; stderr: " + s
}
