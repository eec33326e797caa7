package targets

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strconv"
	"time"

	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/work"
)

// DatagramServer is one concurrency model serving the datagram form of the
// protocol (protocol.ParseDatagram): a request per datagram, an answer per
// request, sent back to where the request came from.
type DatagramServer interface {
	// ServeDatagrams answers the request datagrams that arrive on pc until
	// ctx ends; then it stops reading, answers the requests it has taken
	// (their waits included) and returns nil. It does not close pc; sockets
	// it opens itself, it closes.
	ServeDatagrams(ctx context.Context, pc net.PacketConn) error
	// Parallelism says how many requests it serves and computes at once,
	// as made and under the GOMAXPROCS it runs with.
	Parallelism() Parallelism
}

// Bounds of the datagram models.
const (
	// DatagramBuffer is the size of a buffer a request datagram is read
	// into: one byte more than the protocol accepts, so that a longer
	// datagram is seen as too long (the kernel cuts it there) and answered
	// 413.
	DatagramBuffer = protocol.MaxDatagramRequest + 1
	// MaxDatagramsInFlight caps the requests a model that takes every
	// datagram as it comes (a goroutine, a timer or a coroutine each)
	// holds at once; beyond it, the model reads no more until some are
	// answered, and datagrams wait in the socket's buffer, or are dropped
	// there when it is full: a flood of long waits cannot grow a target
	// without bound.
	MaxDatagramsInFlight = 10_000
	// MaxDatagramBatch bounds Config.DatagramBatch: a loop's buffers hold
	// a batch of DatagramBuffer bytes each.
	MaxDatagramBatch = 1024
)

// Datagram is a request datagram a model serves: its id, its request, and
// the error to answer with instead, when it was refused. Its Body aliases
// the datagram it was read from: a model that keeps a request while it
// waits keeps only requests that wait, which have no body.
type Datagram struct {
	protocol.Datagram
	Err error
}

// Wait is how long the model must wait, in its natural way, before it
// answers: nothing for a refused request.
func (d *Datagram) Wait() time.Duration {
	if d.Err != nil {
		return 0
	}
	return d.Request.Wait()
}

// ReadDatagram parses the request datagram b into d. It reports false when
// b has no id to answer to: the datagram is dropped and counted (GET
// /stats says how many). Otherwise the model waits d.Wait() its own way,
// then answers with AnswerDatagram.
func (a *App) ReadDatagram(b []byte, d *Datagram) bool {
	d.Err = protocol.ParseDatagram(b, &d.Datagram)
	if d.Err == protocol.ErrNoID {
		a.dropped.Add(1)
		return false
	}
	return true
}

// AnswerDatagram does d's CPU work, if any, and appends its answer to dst.
// The model must already have waited d.Wait(). Over datagrams, GET /stats
// answers "requests N" and "dropped M" on two lines: the requests this
// process answered (/stats excluded) and the datagrams it dropped.
func (a *App) AnswerDatagram(dst []byte, d *Datagram) []byte {
	if d.Err != nil {
		return protocol.AppendDatagramError(dst, d.ID, d.Err)
	}
	req := &d.Request
	if req.Endpoint == protocol.EndpointStats {
		return a.datagramStats(dst, d.ID)
	}
	a.answered.Add(1)
	start := len(dst)
	dst = protocol.AppendDatagramHead(dst, d.ID, 200)
	switch req.Endpoint {
	case protocol.EndpointHealth:
		dst = append(dst, a.Model...)
		return append(dst, '\n')
	case protocol.EndpointCPU, protocol.EndpointMix:
		units := a.cpuUnits(req)
		return protocol.AppendCPUBody(dst, units, work.Spin(units))
	case protocol.EndpointIO:
		return append(dst, ioBody...)
	case protocol.EndpointEcho:
		if req.Method == protocol.MethodPost {
			return append(dst, req.Body...)
		}
		return appendFiller(dst, req.Size)
	}
	return protocol.AppendDatagramError(dst[:start], d.ID, errUnknownEndpoint)
}

//go:noinline
func (a *App) datagramStats(dst []byte, id uint64) []byte {
	dst = protocol.AppendDatagramHead(dst, id, 200)
	dst = strconv.AppendInt(append(dst, "requests "...), a.answered.Load(), 10)
	dst = strconv.AppendInt(append(dst, "\ndropped "...), a.dropped.Load(), 10)
	return append(dst, '\n')
}

// Dropped is how many datagrams this process dropped: no id to answer to.
func (a *App) Dropped() int64 { return a.dropped.Load() }

// WakeOnDone makes a read blocked on pc return once ctx ends, and every
// read after it; the returned function stops that (call it when Serve
// returns). pc stays open, so answers to the requests in hand can still
// be sent.
func WakeOnDone(ctx context.Context, pc net.PacketConn) (stop func()) {
	s := context.AfterFunc(ctx, func() { pc.SetReadDeadline(time.Unix(1, 0)) })
	return func() { s() }
}

// ReadDatagramFrom reads one datagram from pc into b, without allocating
// when pc is a *net.UDPConn.
func ReadDatagramFrom(pc net.PacketConn, b []byte) (int, netip.AddrPort, error) {
	if u, ok := pc.(*net.UDPConn); ok {
		return u.ReadFromUDPAddrPort(b)
	}
	n, addr, err := pc.ReadFrom(b)
	if err != nil {
		return n, netip.AddrPort{}, err
	}
	ap, _ := netip.ParseAddrPort(addr.String())
	return n, ap, nil
}

// WriteDatagramTo sends b to addr on pc, without allocating when pc is a
// *net.UDPConn. A datagram that cannot be sent is lost, as datagrams are:
// the error is for the caller to ignore or count.
func WriteDatagramTo(pc net.PacketConn, b []byte, addr netip.AddrPort) error {
	if u, ok := pc.(*net.UDPConn); ok {
		_, err := u.WriteToUDPAddrPort(b, addr)
		return err
	}
	_, err := pc.WriteTo(b, net.UDPAddrFromAddrPort(addr))
	return err
}

// DatagramReadFailed says what a failed read on a datagram socket means to
// a model's loop: stop (nil once ctx has ended, else the error), or, for a
// failure that passes with time (out of buffers or memory), pause and go
// on.
func DatagramReadFailed(ctx context.Context, err error) (stop bool, _ error) {
	switch {
	case ctx.Err() != nil:
		return true, nil
	case errors.Is(err, net.ErrClosed):
		return true, err
	case retryable(err):
		time.Sleep(AcceptPause(0))
		return false, nil
	}
	return true, err
}

// CountAnswered counts a request that another process answered for this
// one (a child of a process model), so that this process's /stats adds
// it up.
func (a *App) CountAnswered() { a.answered.Add(1) }
