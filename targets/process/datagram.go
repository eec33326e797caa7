package process

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"

	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
)

// DatagramServer answers each request datagram in a child process of its
// own: Python's ForkingUDPServer. The parent reads the datagram and starts
// a child (Config.Self, role datagram) that inherits the socket, gets the
// datagram and its source on its stdin, waits with a blocking nanosleep,
// does the work, sends the answer with sendto and exits; the parent reaps
// it. At most MaxConns children live at once; beyond that, datagrams wait
// in the socket's buffer. The parent itself drops (and counts) a datagram
// with no id, and answers /stats, since it holds the counts: the requests
// its children answered and the datagrams it dropped.
type DatagramServer struct {
	app  *targets.App
	self []string
	max  int
}

var _ targets.DatagramServer = (*DatagramServer)(nil)

// NewDatagram returns a process-per-datagram server; cfg.Self must be set.
func NewDatagram(cfg targets.Config) *DatagramServer {
	s := &DatagramServer{app: cfg.App, self: cfg.Self, max: cfg.MaxConns}
	if s.max <= 0 {
		s.max = DefaultMaxChildren
	}
	return s
}

// Parallelism implements targets.DatagramServer: a request per live
// child, each computing on whatever CPU the kernel gives it.
func (s *DatagramServer) Parallelism() targets.Parallelism {
	return targets.Parallelism{Slots: s.max}
}

// handOver is what a child reads on its stdin: where the datagram came
// from, a line feed, and the datagram.
func handOver(from netip.AddrPort, b []byte) []byte {
	return append(append(from.AppendTo(make([]byte, 0, 48+len(b))), '\n'), b...)
}

// maxHandOver bounds what a child reads: the longest address and the
// largest datagram a target reads.
const maxHandOver = 64 + targets.DatagramBuffer

var errHandOver = errors.New("process: datagram child: stdin is not an address and a datagram")

// readHandOver reads back what handOver wrote.
func readHandOver(r io.Reader) (netip.AddrPort, []byte, error) {
	in, err := io.ReadAll(io.LimitReader(r, maxHandOver))
	if err != nil {
		return netip.AddrPort{}, nil, fmt.Errorf("process: datagram child: %w", err)
	}
	addr, b, ok := bytes.Cut(in, []byte{'\n'})
	if !ok {
		return netip.AddrPort{}, nil, errHandOver
	}
	from, err := netip.ParseAddrPort(string(addr))
	if err != nil {
		return netip.AddrPort{}, nil, fmt.Errorf("%w: %v", errHandOver, err)
	}
	return from, b, nil
}

// ServeDatagramChild is the child's side: it answers the datagram on its
// stdin through the datagram socket sock, and closes sock.
func ServeDatagramChild(ctx context.Context, app *targets.App, sock *os.File) error {
	defer sock.Close()
	from, b, err := readHandOver(os.Stdin)
	if err != nil {
		return err
	}
	var d targets.Datagram
	if !app.ReadDatagram(b, &d) {
		return nil // the parent drops these; nothing to answer
	}
	if w := d.Wait(); w > 0 {
		sleep(w)
	}
	out := app.AnswerDatagram(make([]byte, 0, 512), &d)
	return sendTo(sock, out, from)
}

// isStats reports whether the parent answers d itself.
func isStats(d *targets.Datagram) bool {
	return d.Err == nil && d.Endpoint == protocol.EndpointStats
}
