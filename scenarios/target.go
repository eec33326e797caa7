package scenarios

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Bounds on a target's life cycle.
const (
	DefaultReadyTimeout = 10 * time.Second
	DefaultStopTimeout  = 5 * time.Second
)

// Ready is the one line a target prints on stdout when it listens.
type Ready struct {
	Model      string `json:"model"`
	Addr       string `json:"addr"`
	PID        int    `json:"pid"`
	GOMAXPROCS int    `json:"gomaxprocs,omitempty"`
}

// Target is a running target process.
type Target struct {
	cmd    *exec.Cmd
	Ready  Ready
	stderr *tailBuffer
	done   chan struct{} // closed when the process has exited and been reaped
	err    error         // the exit error, once done is closed
}

// Start starts argv in its own process group and waits for its ready line.
func Start(ctx context.Context, argv []string, timeout time.Duration) (*Target, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	t := &Target{cmd: cmd, stderr: &tailBuffer{max: 4 << 10}, done: make(chan struct{})}
	cmd.Stderr = t.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("scenarios: start %s: %w", argv[0], err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("scenarios: start %s: %w", argv[0], err)
	}
	lines := make(chan string, 1)
	go func() {
		r := bufio.NewReader(stdout)
		line, err := r.ReadString('\n')
		if err == nil {
			lines <- line
		}
		io.Copy(io.Discard, r) // keep the pipe drained until the target exits
	}()
	go func() {
		t.err = cmd.Wait()
		close(t.done)
	}()
	select {
	case line := <-lines:
		if err := json.Unmarshal([]byte(line), &t.Ready); err != nil || t.Ready.Addr == "" {
			t.Kill()
			return nil, fmt.Errorf("scenarios: %s: bad ready line %q", argv[0], strings.TrimSpace(line))
		}
		return t, nil
	case <-t.done:
		return nil, fmt.Errorf("scenarios: %s exited before it was ready: %v%s", argv[0], t.err, t.stderr.suffix())
	case <-time.After(timeout):
		t.Kill()
		return nil, fmt.Errorf("scenarios: %s not ready within %s%s", argv[0], timeout, t.stderr.suffix())
	case <-ctx.Done():
		t.Kill()
		return nil, ctx.Err()
	}
}

// Exited reports whether the target has exited, and how.
func (t *Target) Exited() (bool, error) {
	select {
	case <-t.done:
		return true, t.err
	default:
		return false, nil
	}
}

// Stop asks the target to stop (SIGTERM), and kills its whole process group
// if it has not exited within timeout. It returns how the target exited.
func (t *Target) Stop(timeout time.Duration) error {
	if done, err := t.Exited(); done {
		return fmt.Errorf("exited during the run: %v%s", err, t.stderr.suffix())
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
		return fmt.Errorf("did not stop within %s of SIGTERM; killed", timeout)
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

// suffix is the stderr tail, ready to end an error message.
func (b *tailBuffer) suffix() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := string(bytes.TrimSpace(b.buf))
	if s == "" {
		return ""
	}
	return "; stderr: " + s
}
