// Package spawn starts the child processes of the multi-process models
// (process, prefork). Go cannot fork a running program safely, so a parent
// starts a program: the command line is Config.Self — the child program
// beside corobench (cmd/corobench-child), or corobench itself with its
// hidden child command — followed by Args (the child's role and the App's
// settings, so that the child does the same work with the same timeouts),
// and the child inherits one socket as file descriptor 3: a connection to
// serve, or the listener to accept on. The child reads them back with Parse
// and Socket.
//
// A Group holds a parent's live children: it reaps every one (no zombies),
// waiting for their exits in the network poller (pidfd) rather than in a
// thread each, and stops them gently — the model's own way, or SIGTERM once
// the child says on a ready pipe (Child.Ready) that it handles it, since
// the signal would otherwise kill it outright — then SIGKILL after a grace
// period. On Linux a child also dies with its parent (Pdeathsig).
// MeasureExec and MeasureChild time starts, for the record of what a
// process costs on the machine.
package spawn

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/corobench/corobench/files"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/work"
)

// Role is what a child does with its socket.
type Role string

// The roles.
const (
	// Conn serves the connection it inherited, then exits (process).
	Conn Role = "conn"
	// Worker accepts on the listener it inherited, one connection at a
	// time, until told to stop (prefork).
	Worker Role = "worker"
	// Datagram answers the one request datagram on its stdin through the
	// datagram socket it inherited, then exits (process over UDP).
	Datagram Role = "datagram"
	// DatagramWorker answers datagrams on the socket it inherited, one at
	// a time, until told to stop (prefork over UDP).
	DatagramWorker Role = "datagram-worker"
)

// The file descriptors a child inherits: its socket, the first after stdin,
// stdout and stderr; then the pipe it tells its parent it is ready on.
const (
	SocketFD = 3
	ReadyFD  = 4
)

// DefaultGrace is how long Group.Stop lets children finish the requests in
// flight before it kills them; it stays under the harness's stop timeout.
const DefaultGrace = 3 * time.Second

// ErrNoSelf is returned when a multi-process model has no Config.Self.
var ErrNoSelf = errors.New("spawn: Config.Self is empty: no command line to start a child with")

// Args is a child's command line after Self: its role, then app's settings.
func Args(role Role, app *targets.App) []string {
	args := []string{
		string(role),
		"-model", app.Model,
		"-cpu-rate", strconv.FormatFloat(float64(app.Rate), 'g', -1, 64),
		"-idle-timeout", app.IdleTimeout.String(),
		"-request-timeout", app.RequestTimeout.String(),
		"-write-timeout", app.WriteTimeout.String(),
	}
	if s := app.Files; s != nil { // the child opens the same root itself
		args = append(args, "-root", s.Dir(),
			"-max-upload", strconv.FormatInt(s.MaxUpload(), 10),
			"-max-open", strconv.Itoa(s.MaxOpen()))
	}
	return args
}

// readyFlag, after Args, tells a child that its parent waits on the ready
// pipe (ReadyFD).
const readyFlag = "-ready"

// Child is what a child's command line tells it.
type Child struct {
	Role Role
	// App does the work with the parent's settings.
	App *targets.App
	// ready says that the parent waits on the ready pipe.
	ready bool
}

// Parse reads back what Args (and Start) wrote.
func Parse(args []string) (Child, error) {
	if len(args) == 0 {
		return Child{}, errors.New("spawn: child: no role")
	}
	role := Role(args[0])
	if role != Conn && role != Worker && role != Datagram && role != DatagramWorker {
		return Child{}, fmt.Errorf("spawn: child: unknown role %q", args[0])
	}
	fs := flag.NewFlagSet("child", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	model := fs.String("model", "", "")
	rate := fs.Float64("cpu-rate", 0, "")
	idle := fs.Duration("idle-timeout", targets.DefaultIdleTimeout, "")
	request := fs.Duration("request-timeout", targets.DefaultRequestTimeout, "")
	root := fs.String("root", "", "")
	maxUpload := fs.Int64("max-upload", files.DefaultMaxUpload, "")
	maxOpen := fs.Int("max-open", files.DefaultMaxOpen, "")
	write := fs.Duration("write-timeout", targets.DefaultWriteTimeout, "")
	ready := fs.Bool(readyFlag[1:], false, "")
	if err := fs.Parse(args[1:]); err != nil {
		return Child{}, fmt.Errorf("spawn: child: %w", err)
	}
	if *rate <= 0 {
		return Child{}, errors.New("spawn: child: -cpu-rate must be positive")
	}
	app := targets.NewApp(*model, work.Rate(*rate))
	app.IdleTimeout, app.RequestTimeout, app.WriteTimeout = *idle, *request, *write
	if *root != "" {
		store, err := files.Open(*root, files.WithMaxUpload(*maxUpload), files.WithMaxOpen(*maxOpen))
		if err != nil {
			return Child{}, fmt.Errorf("spawn: child: %w", err)
		}
		app.Files = store
	}
	return Child{Role: role, App: app, ready: *ready}, nil
}

// Ready tells the parent, when it waits for that, that this child now
// handles its stop (SIGTERM): before, a signal would kill it outright. A
// child calls it once, early.
func (c Child) Ready() {
	if !c.ready {
		return
	}
	f := os.NewFile(ReadyFD, "ready pipe")
	io.WriteString(f, "!")
	f.Close()
}

// Socket is the socket a child inherited.
func Socket() *os.File { return os.NewFile(SocketFD, "inherited socket") }
