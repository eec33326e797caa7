package spawn

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"slices"
	"syscall"
	"time"

	"github.com/corobench/corobench/targets"
)

// measureTimeout bounds one measured start, from its start to its exit.
const measureTimeout = 10 * time.Second

// Cost is what starting a program cost, from the start to the reaping of
// its process, measured Runs times, one start after another.
type Cost struct {
	Runs int
	// Wall is the median time from the start to the reaping: the
	// parent's work and the child's whole life.
	Wall time.Duration
	// CPU is the median CPU time, user and system, the child used.
	CPU time.Duration
	// ParentCPU is the median CPU time this process used meanwhile: the
	// parent's share of a start (fork, exec, reaping).
	ParentCPU time.Duration
}

// MeasureExec measures argv run to its exit, with no input and its output
// discarded: /bin/true measures what a process costs at the least.
func MeasureExec(argv []string, runs int) (Cost, error) {
	if len(argv) == 0 {
		return Cost{}, errors.New("spawn: measure: no command")
	}
	return measure(runs, func() (time.Duration, error) {
		ctx, cancel := context.WithTimeout(context.Background(), measureTimeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
		t := time.Now()
		err := cmd.Run()
		return time.Since(t), err
	})
}

// MeasureChild measures a connection's child, started from self as the
// process model starts it, serving a connection whose client has gone: it
// starts, reads the end of the stream and exits. That is what a child costs
// beyond its requests.
func MeasureChild(self []string, app *targets.App, runs int) (Cost, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return Cost{}, fmt.Errorf("spawn: measure: %w", err)
	}
	defer ln.Close()
	var g Group
	defer g.Stop(DefaultGrace)
	return measure(runs, func() (time.Duration, error) {
		sock, err := closedConn(ln)
		if err != nil {
			return 0, err
		}
		exited := make(chan error, 1)
		t := time.Now()
		err = g.Start(self, Conn, app, sock, Options{
			Stop:   func(*os.Process) {}, // it ends by itself: no ready pipe, as in the process model
			Exited: func(err error) { exited <- err },
		})
		sock.Close()
		if err != nil {
			return 0, err
		}
		select {
		case err = <-exited:
			return time.Since(t), err
		case <-time.After(measureTimeout):
			return 0, fmt.Errorf("the child did not exit within %s", measureTimeout) // Stop kills it
		}
	})
}

// closedConn is the server side of a TCP connection to ln whose client has
// closed, as a file for a child.
func closedConn(ln net.Listener) (*os.File, error) {
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return nil, fmt.Errorf("spawn: measure: %w", err)
	}
	c.Close()
	s, err := ln.Accept()
	if err != nil {
		return nil, fmt.Errorf("spawn: measure: %w", err)
	}
	defer s.Close()
	f, err := s.(*net.TCPConn).File()
	if err != nil {
		return nil, fmt.Errorf("spawn: measure: %w", err)
	}
	return f, nil
}

// measure calls once runs times and returns the medians of the times it
// returns, of the CPU time its children used and of the CPU time this
// process used.
func measure(runs int, once func() (time.Duration, error)) (Cost, error) {
	if runs <= 0 {
		return Cost{}, errors.New("spawn: measure: runs must be positive")
	}
	var walls, cpus, parents []time.Duration
	for range runs {
		self0, kids0, err := cpuTimes()
		if err != nil {
			return Cost{}, err
		}
		wall, err := once()
		if err != nil {
			return Cost{}, fmt.Errorf("spawn: measure: %w", err)
		}
		self1, kids1, err := cpuTimes()
		if err != nil {
			return Cost{}, err
		}
		walls, cpus, parents = append(walls, wall), append(cpus, kids1-kids0), append(parents, self1-self0)
	}
	return Cost{Runs: runs, Wall: median(walls), CPU: median(cpus), ParentCPU: median(parents)}, nil
}

// cpuTimes are the CPU times, user and system, of this process and of its
// reaped children.
func cpuTimes() (self, children time.Duration, err error) {
	var s, c syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &s); err != nil {
		return 0, 0, fmt.Errorf("spawn: measure: getrusage: %w", err)
	}
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &c); err != nil {
		return 0, 0, fmt.Errorf("spawn: measure: getrusage: %w", err)
	}
	cpu := func(r *syscall.Rusage) time.Duration { return time.Duration(r.Utime.Nano() + r.Stime.Nano()) }
	return cpu(&s), cpu(&c), nil
}

func median(d []time.Duration) time.Duration {
	slices.Sort(d)
	return d[len(d)/2]
}
