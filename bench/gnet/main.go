// Command gnet is the gnet v2 peer of the model benchmarks: a gnet event
// loop (one per GOMAXPROCS, as reactors) answering corobench's protocol with
// corobench's own parser and App — the same work as eventloop and reactors,
// so that only the event-loop engine differs. It prints the ready line of
// `corobench serve` and runs until SIGTERM.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/panjf2000/gnet/v2"
	"github.com/panjf2000/gnet/v2/pkg/logging"
	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/work"
)

type server struct {
	gnet.BuiltinEventEngine
	app *targets.App
}

// OnBoot prints the ready line with the port the engine listens on.
func (s *server) OnBoot(eng gnet.Engine) gnet.Action {
	fd, err := eng.Dup()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gnet:", err)
		return gnet.Shutdown
	}
	sa, err := unix.Getsockname(fd)
	unix.Close(fd)
	in4, ok := sa.(*unix.SockaddrInet4)
	if err != nil || !ok {
		fmt.Fprintln(os.Stderr, "gnet: no IPv4 address", err)
		return gnet.Shutdown
	}
	ready, _ := json.Marshal(map[string]any{
		"model": "gnet", "addr": fmt.Sprintf("127.0.0.1:%d", in4.Port),
		"pid": os.Getpid(), "gomaxprocs": runtime.GOMAXPROCS(0),
	})
	fmt.Printf("%s\n", ready)
	return gnet.None
}

// OnTraffic answers every whole request buffered, in order.
func (s *server) OnTraffic(c gnet.Conn) gnet.Action {
	buf, _ := c.Peek(-1)
	var out []byte
	used := 0
	for {
		var req protocol.Request
		n, err := protocol.ParseRequest(buf[used:], &req)
		if err != nil {
			c.Write(protocol.AppendError(out, err))
			return gnet.Close
		}
		if n == 0 {
			break
		}
		out = s.app.Respond(out, &req)
		used += n
		if req.Close {
			c.Write(out)
			return gnet.Close
		}
	}
	c.Discard(used)
	if len(out) > 0 {
		c.Write(out)
	}
	return gnet.None
}

// stderrLogger keeps gnet's log off stdout, where the ready line goes.
type stderrLogger struct{}

func (stderrLogger) Debugf(string, ...any) {}
func (stderrLogger) Infof(string, ...any)  {}
func (stderrLogger) Warnf(f string, a ...any) {
	fmt.Fprintf(os.Stderr, "gnet: "+f+"\n", a...)
}
func (stderrLogger) Errorf(f string, a ...any) {
	fmt.Fprintf(os.Stderr, "gnet: "+f+"\n", a...)
}
func (stderrLogger) Fatalf(f string, a ...any) {
	fmt.Fprintf(os.Stderr, "gnet: "+f+"\n", a...)
	os.Exit(1)
}

func main() {
	rate := flag.Float64("cpu-rate", 500, "work units per µs for /cpu?us=N")
	flag.Parse()
	srv := &server{app: targets.NewApp("gnet", work.Rate(*rate))}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() {
		errc <- gnet.Run(srv, "tcp://127.0.0.1:0",
			gnet.WithMulticore(true), gnet.WithNumEventLoop(runtime.GOMAXPROCS(0)),
			gnet.WithTCPNoDelay(gnet.TCPNoDelay), gnet.WithLogger(stderrLogger{}), gnet.WithLogLevel(logging.ErrorLevel))
	}()
	select {
	case err := <-errc:
		fmt.Fprintln(os.Stderr, "gnet:", err)
		os.Exit(1)
	case <-ctx.Done():
		gnet.Stop(context.Background(), "tcp://127.0.0.1:0")
	}
}
