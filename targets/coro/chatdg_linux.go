package coro

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/chat"
	"github.com/corobench/corobench/internal/poller"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/internal/evloop"
)

// turnDatagrams is how many datagrams the reader serves in a row before it
// yields its turn to the senders they gave lines to.
const turnDatagrams = 64

// ServeDatagrams implements targets.DatagramServer: one loop, on this
// goroutine's OS thread, over a descriptor of pc's socket of its own.
func (s *ChatDatagramServer) ServeDatagrams(ctx context.Context, pc net.PacketConn) error {
	fd, err := poller.PacketSocketFD(pc)
	if err != nil {
		return fmt.Errorf("coro: %w", err)
	}
	l, err := newLoop(targets.ChatShutdownGrace, s.room.Options().KickAfter, nil, s.onRead)
	if err != nil {
		unix.Close(fd)
		return err
	}
	if err := l.Watch(fd, evloop.Readable); err != nil {
		unix.Close(fd)
		l.Close()
		return fmt.Errorf("coro: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	d := &chatDatagrams{ChatDatagramServer: s, l: l, fd: fd, cancel: cancel}
	// The reader's coroutine is made on the loop's thread, as Run locks it:
	// at the wake-up that Run finds first.
	l.OnWake(func() {
		if !d.started {
			d.started = true
			l.resume(l.start(fd, evloop.Readable, d.read))
		}
	})
	l.Wake()
	if err := l.Run(ctx, -1); err != nil {
		return err
	}
	return d.err
}

// chatDatagrams is the UDP room on its loop: the reader's socket, and the
// error that ended the reader.
type chatDatagrams struct {
	*ChatDatagramServer
	l       *loop
	fd      int
	cancel  context.CancelFunc // stops the loop when the reader fails
	err     error
	started bool // the reader
}

// read is the reader coroutine: it serves each datagram that comes, and
// between datagrams (and at least every room.SweepEvery) lets the room
// forget its silent members, until the loop stops.
func (d *chatDatagrams) read(r *conn) {
	d.l.tid = unix.Gettid() // the loop's, as the reader runs on it
	// One byte more than a command: a longer datagram is seen as too long.
	in := poller.NewMsgs(1, chat.MaxLine+1, true)
	for n := 1; !d.l.Stopping(); n++ {
		r.deadline = r.now() + d.room.SweepEvery()
		err := r.recv(in)
		d.room.Sweep(time.Now())
		switch {
		case err == nil:
			d.serve(poller.AddrPortOf(in.Addr(0)), in.Datagram(0))
			if n%turnDatagrams == 0 {
				r.Yield()
			}
		case errors.Is(err, os.ErrDeadlineExceeded):
		case errors.Is(err, net.ErrClosed):
			return
		case poller.Retryable(err):
			r.Sleep(targets.AcceptPause(0))
		default:
			d.err = fmt.Errorf("coro: %w", err)
			d.cancel()
			return
		}
	}
}

// serve serves one datagram from addr: as the member logged in from there,
// or as a new peer, whose sender starts if it logs in.
func (d *chatDatagrams) serve(from netip.AddrPort, b []byte) {
	if p := d.room.PeerAt(from); p != nil {
		if d.room.Handle(p, b) {
			p.Link.Close(p) // it quit: its sender sends BYE and ends
		}
		return
	}
	m := &datagramMember{d: d, to: poller.RawAddrOf(from)}
	m.peer = chat.Peer{Link: m, Addr: from}
	d.room.Handle(&m.peer, b)
	// Out of descriptors for a sender, the member is sent to at once.
	if m.peer.Name() != "" && m.start(d.l, d.fd, d.room.Options(), m.sendLines) == nil {
		m.w.to = &m.to
	}
}

// datagramMember is a UDP member: its address, and its sender once it has
// logged in.
type datagramMember struct {
	writer
	d    *chatDatagrams
	peer chat.Peer
	to   poller.RawAddr
}

// Send implements chat.Link: into the outbox once the member has a sender,
// else at once.
func (m *datagramMember) Send(_ *chat.Peer, line []byte) chat.Delivery {
	if m.w != nil {
		return m.out.Put(line)
	}
	if _, err := poller.WriteTo(m.d.fd, line, &m.to); err != nil {
		return chat.Dropped
	}
	return chat.Sent
}

// Close implements chat.Link: the sender sends what is queued and ends.
func (m *datagramMember) Close(*chat.Peer) {
	if m.w != nil {
		m.end()
	}
}

// sendLines is the sender's write: a datagram a line, each that the socket
// refuses, or does not take within the kick bound, dropped and counted.
func (m *datagramMember) sendLines(b []byte) bool {
	m.d.room.SendLines(b, m.send)
	return true
}

func (m *datagramMember) send(line []byte) error {
	if m.d.onSend != nil {
		m.d.onSend(m.l.tid, line)
	}
	_, err := m.w.Write(line)
	return err
}
