package coro

import (
	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/chat"
)

// writer is a chat member's writer coroutine and the outbox it drains. It
// runs on a duplicate of the member's socket (TCP) or of the server's (UDP),
// so that it waits on a descriptor of its own: a member holds one more.
type writer struct {
	l    *loop
	w    *conn
	out  *chat.Outbox
	done bool // the member has gone: the writer sends what is queued and ends
}

// start files the writer on a duplicate of fd, watched for nothing until a
// write must wait. Its coroutine starts at its first turn, once the outbox
// has lines, and hands each batch the outbox has to write (see drain).
func (o *writer) start(l *loop, fd int, opts chat.Options, write func(b []byte) bool) error {
	dup, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return err
	}
	if err := l.Watch(dup, 0); err != nil {
		unix.Close(dup)
		return err
	}
	o.l = l
	o.w = l.start(dup, 0, func(*conn) { o.drain(write) })
	o.w.waitFor = waitLines // not started: its first turn starts it
	o.out = chat.NewOutbox(opts.OutboxBytes, opts.KickAfter, func() { l.Again(o.w) })
	return nil
}

// drain is the writer coroutine: it hands write what the outbox has, and
// yields until it has more. It ends when write fails, or once the outbox is
// empty and the member has gone or the loop stops.
func (o *writer) drain(write func(b []byte) bool) {
	defer o.l.Del(o.w.fd) // the socket stays open: end this watch before the close
	defer o.out.Close()
	var spare []byte
	for {
		b := o.out.Take(spare)
		if b == nil {
			if o.done || o.l.Stopping() || !o.w.park(waitLines) {
				return
			}
			continue
		}
		if !write(b) {
			return
		}
		spare = b
	}
}

// end lets the writer send what is queued, then end.
func (o *writer) end() {
	o.done = true
	o.l.Again(o.w)
}
