package spawn

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"github.com/corobench/corobench/targets"
)

// errStopping refuses a child once the group is stopping.
var errStopping = errors.New("spawn: the group is stopping")

// Group is a parent's live children.
type Group struct {
	mu       sync.Mutex
	live     map[*child]struct{}
	stopping bool
	reapers  sync.WaitGroup
	null     *os.File // /dev/null: every child's stdin and stdout
}

// child is one live child.
type child struct {
	proc  *os.Process
	ready chan struct{} // closed once the child handles its stop, or has exited
	stop  func(*os.Process)
}

// Options of one child.
type Options struct {
	// Exited, when set, is called with how the child ended, once it has
	// been reaped.
	Exited func(error)
	// Stop, when set, is how Group.Stop asks the child to stop gently,
	// which must work at any time (shutting its socket, say); the default
	// sends it SIGTERM once the child has said that it handles it.
	Stop func(*os.Process)
	// Ready, when set, is called once the child has called Child.Ready,
	// or has exited without.
	Ready func()
	// Stdin, when set, is what the child reads on its standard input
	// (else /dev/null).
	Stdin []byte
}

// Start starts self with args for role and app, handing it sock as its
// socket, and reaps it in the background. The caller may close sock when
// Start returns.
func (g *Group) Start(self []string, role Role, app *targets.App, sock *os.File, opt Options) error {
	if len(self) == 0 {
		return ErrNoSelf
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stopping {
		return errStopping
	}
	if g.null == nil {
		null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
		if err != nil {
			return fmt.Errorf("spawn: %w", err)
		}
		g.null = null
	}
	args := append(self[1:len(self):len(self)], Args(role, app)...)
	files := []*os.File{sock}
	// The child says on a pipe when it handles SIGTERM, if it is to be
	// stopped by that signal or the caller waits for it to be ready.
	var readyR *os.File
	if opt.Stop == nil || opt.Ready != nil {
		r, w, err := os.Pipe()
		if err != nil {
			return fmt.Errorf("spawn: %w", err)
		}
		defer w.Close()
		readyR, files, args = r, append(files, w), append(args, readyFlag)
	}
	cmd := exec.Command(self[0], args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = g.null, g.null, os.Stderr
	if opt.Stdin != nil {
		cmd.Stdin = bytes.NewReader(opt.Stdin)
	}
	cmd.ExtraFiles = files
	// A child serves one connection, or one at a time: one P is all it
	// needs, and fewer Ps make a smaller process.
	cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
	pidfd := -1
	err := configure(cmd, &pidfd)
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		if readyR != nil {
			readyR.Close()
		}
		return fmt.Errorf("spawn: start %s child: %w", role, err)
	}
	c := &child{proc: cmd.Process, ready: make(chan struct{}), stop: opt.Stop}
	if c.stop == nil {
		c.stop = func(p *os.Process) { p.Signal(syscall.SIGTERM) }
	}
	if g.live == nil {
		g.live = map[*child]struct{}{}
	}
	g.live[c] = struct{}{}
	if readyR == nil {
		close(c.ready) // its stop needs no readiness
	} else {
		g.reapers.Go(func() {
			// The child writes a byte when it is ready, or the pipe ends when it exits.
			readyR.Read(make([]byte, 1))
			readyR.Close()
			close(c.ready)
			if opt.Ready != nil {
				opt.Ready()
			}
		})
	}
	g.reapers.Go(func() {
		awaitExit(pidfd)
		err := cmd.Wait()
		g.mu.Lock()
		delete(g.live, c)
		g.mu.Unlock()
		if opt.Exited != nil {
			opt.Exited(err)
		}
	})
	return nil
}

// Live returns how many children are running.
func (g *Group) Live() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.live)
}

// Stop refuses new children, asks every live one to stop gently once it is
// ready to, so that it finishes its requests in flight, kills those still
// running after grace, and returns once all have been reaped, or a further
// grace after the kill: a reaping that stalls does not hang the parent.
func (g *Group) Stop(grace time.Duration) {
	g.mu.Lock()
	g.stopping = true
	for c := range g.live {
		g.reapers.Go(func() {
			<-c.ready
			c.stop(c.proc)
		})
	}
	g.mu.Unlock()
	done := make(chan struct{})
	go func() { g.reapers.Wait(); close(done) }()
	defer g.closeNull()
	select {
	case <-done:
		return
	case <-time.After(grace):
	}
	g.mu.Lock()
	for c := range g.live {
		c.proc.Kill()
	}
	g.mu.Unlock()
	select {
	case <-done:
	case <-time.After(grace):
		fmt.Fprintf(os.Stderr, "spawn: %d children not reaped %s after SIGKILL\n", g.Live(), grace)
	}
}

// closeNull closes /dev/null once every child is reaped.
func (g *Group) closeNull() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.null != nil {
		g.null.Close()
		g.null = nil
	}
}
