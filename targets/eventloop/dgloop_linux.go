package eventloop

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/internal/poller"
	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
)

// answerArena is the room for the answers of one batch of sends: a batch
// is sent before an answer could not fit, so no answer is ever moved.
const answerArena = 256 << 10

// DatagramLoop is one event loop over one non-blocking datagram socket,
// on one OS thread: it reads with recvmmsg (up to Batch datagrams a call),
// answers what needs no wait at once, keeps each request that waits under
// a timer in its heap, and sends the answers of a wake-up with sendmmsg.
// CPU work runs on the loop and stalls every request while it runs.
type DatagramLoop struct {
	app       *targets.App
	fd        int // the socket, the loop's own descriptor
	p         *poller.Poller
	in, out   *poller.Msgs
	arena     []byte
	timers    *poller.Timers[*pending]
	free      []*pending // slots for requests that wait
	waiting   int
	reading   bool // the socket is in the poller's interest
	stopping  bool // ctx ended: read no more
	onRequest func(*protocol.Request)
	newTask   func(*DatagramLoop, *targets.Datagram, *poller.RawAddr) Task
}

// Task is a request served by code of its own on the loop (a coroutine,
// say): Resume runs it until it must wait (it returns how long, and true)
// or until it has answered (with Answer) and ended (false).
type Task interface {
	Resume() (wait time.Duration, more bool)
}

// pending is a request that waits: its timer, its request (which has no
// body: only /echo takes one, and it does not wait) and where to answer;
// or the task that serves it.
type pending struct {
	timer poller.Timer[*pending]
	d     targets.Datagram
	from  poller.RawAddr
	task  Task
}

// NewDatagramLoop returns a loop over the datagram socket fd, which it
// takes over (Run closes it), reading batch datagrams a call (1: recvmsg
// and sendmsg, one datagram per system call).
func NewDatagramLoop(app *targets.App, fd, batch int) (*DatagramLoop, error) {
	p, err := poller.New()
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	batch = max(batch, 1)
	return &DatagramLoop{
		app: app, fd: fd, p: p,
		in:     poller.NewMsgs(batch, targets.DatagramBuffer, true),
		out:    poller.NewMsgs(batch, 0, true),
		arena:  make([]byte, 0, answerArena),
		timers: poller.NewTimers[*pending](),
	}, nil
}

// ServeByTasks makes the loop serve each request by a Task that newTask
// makes from it (copying what it keeps: the request's body and address are
// the loop's), instead of by a timer of its own.
func (l *DatagramLoop) ServeByTasks(newTask func(l *DatagramLoop, d *targets.Datagram, from *poller.RawAddr) Task) {
	l.newTask = newTask
}

// OnRequest sets a hook called on the loop thread before each request is
// answered (for tests).
func (l *DatagramLoop) OnRequest(f func(*protocol.Request)) { l.onRequest = f }

// Run serves until ctx ends and the requests that wait are answered, on
// the calling goroutine's OS thread, then closes the loop's descriptors.
func (l *DatagramLoop) Run(ctx context.Context) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	defer l.p.Close()
	defer unix.Close(l.fd)
	defer context.AfterFunc(ctx, func() { l.p.Wake() })()
	if err := l.read(true); err != nil {
		return err
	}
	for {
		if ctx.Err() != nil {
			l.stopping = true
			if err := l.read(false); err != nil {
				return err
			}
			if l.waiting == 0 {
				return nil
			}
		}
		n, err := l.p.Poll(l.timers.Timeout(l.timers.Now()))
		if err != nil {
			return fmt.Errorf("eventloop: %w", err)
		}
		l.p.Dispatch(n, func(int, uint32) {}) // the only descriptor is the socket
		l.expire()
		if l.reading {
			if err := l.recv(); err != nil {
				return err
			}
		}
		l.flush()
	}
}

// read sets whether the loop reads its socket: not while every slot for a
// waiting request is taken (the datagrams wait in the socket's buffer),
// nor once the loop stops.
func (l *DatagramLoop) read(on bool) error {
	if on == l.reading {
		return nil
	}
	var err error
	if on {
		err = l.p.Add(l.fd, poller.Readable)
	} else {
		err = l.p.Del(l.fd)
	}
	if err != nil {
		return fmt.Errorf("eventloop: %w", err)
	}
	l.reading = on
	return nil
}

// recv reads what has arrived, a batch at a time, until none is left, at
// most a few batches, so that the timers due are not kept waiting.
func (l *DatagramLoop) recv() error {
	for range 4 {
		room := min(l.in.Cap(), targets.MaxDatagramsInFlight-l.waiting)
		if room == 0 {
			return l.read(false)
		}
		var n int
		var err error
		if l.in.Cap() == 1 {
			n, err = l.in.RecvOne(l.fd)
		} else {
			n, err = l.in.RecvN(l.fd, room)
		}
		switch {
		case errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR):
			return nil
		case poller.Retryable(err):
			return nil // out of buffers: the next wake-up tries again
		case err != nil:
			return fmt.Errorf("eventloop: recvmmsg: %w", err)
		}
		for i := range n {
			l.take(l.in.Datagram(i), l.in.Addr(i))
		}
		if n < room {
			return nil
		}
	}
	return nil
}

// take parses one datagram: answered at once, or kept under a timer.
func (l *DatagramLoop) take(b []byte, from *poller.RawAddr) {
	var d targets.Datagram
	if !l.app.ReadDatagram(b, &d) {
		return
	}
	if l.newTask != nil {
		p := l.slot()
		p.task = l.newTask(l, &d, from)
		l.waiting++
		l.resume(p)
		return
	}
	w := d.Wait()
	if w == 0 {
		l.answer(&d, from)
		return
	}
	p := l.slot()
	p.d, p.from = d, *from
	p.d.Body = nil
	l.waiting++
	l.timers.Set(&p.timer, l.timers.Now()+w)
}

// resume runs p's task until it waits, under p's timer, or ends.
func (l *DatagramLoop) resume(p *pending) {
	if w, more := p.task.Resume(); more {
		l.timers.Set(&p.timer, l.timers.Now()+w)
		return
	}
	l.release(p)
}

// release gives p's slot back.
func (l *DatagramLoop) release(p *pending) {
	*p = pending{timer: p.timer}
	l.free = append(l.free, p)
	l.waiting--
}

func (l *DatagramLoop) slot() *pending {
	if n := len(l.free); n > 0 {
		p := l.free[n-1]
		l.free = l.free[:n-1]
		return p
	}
	p := &pending{}
	p.timer.Value = p
	return p
}

// expire answers the requests whose waits are over.
func (l *DatagramLoop) expire() {
	now := l.timers.Now()
	for {
		t, ok := l.timers.Pop(now)
		if !ok {
			break
		}
		p := t.Value
		if p.task != nil {
			l.resume(p)
			continue
		}
		l.answer(&p.d, &p.from)
		l.release(p)
	}
	if !l.reading && !l.stopping && l.waiting < targets.MaxDatagramsInFlight {
		l.read(true) // a failure here shows at the next wake-up's read
	}
}

// Answer does d's work and sets its answer to go to from, for a Task.
func (l *DatagramLoop) Answer(d *targets.Datagram, from *poller.RawAddr) { l.answer(d, from) }

// answer does d's work and sets its answer to go to from.
func (l *DatagramLoop) answer(d *targets.Datagram, from *poller.RawAddr) {
	if l.out.Full() || cap(l.arena)-len(l.arena) < protocol.MaxDatagram {
		l.flush()
	}
	if l.onRequest != nil {
		l.onRequest(&d.Request)
	}
	start := len(l.arena)
	l.arena = l.app.AnswerDatagram(l.arena, d)
	l.out.Add(l.arena[start:], from)
}

// flush sends the answers set: with sendmmsg, or sendmsg each for a loop
// of batch 1. An answer the socket will not take now (its buffer is full)
// is lost, as datagrams are.
func (l *DatagramLoop) flush() {
	for l.out.Len() > 0 {
		var err error
		if l.out.Cap() == 1 {
			_, err = l.out.SendEach(l.fd)
		} else {
			_, err = l.out.Send(l.fd)
		}
		if errors.Is(err, unix.EAGAIN) {
			l.out.Reset()
		} else if err != nil {
			l.out.Drop(1) // that one's destination refused it
		}
	}
	l.arena = l.arena[:0]
}

// Close releases a loop that will not run.
func (l *DatagramLoop) Close() error {
	unix.Close(l.fd)
	return l.p.Close()
}
