package eventloop

import (
	"time"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/files"
	"github.com/corobench/corobench/internal/poller"
	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/internal/evloop"
)

// state is where a connection is in its life.
type state uint8

const (
	reading   state = iota // waiting for (the rest of) a request
	waiting                // the first buffered request waits its IO time on the timer
	closing                // answered for the last time: close once the output is sent
	lingering              // error answered and write side shut: reading what the client still sends
	uploading              // taking an upload's body off the socket into its file
	sending                // sending a file after the output buffered
	offloaded              // its disk job runs on a file thread
)

// conn is one connection. Idle, it holds no buffer: in and out are borrowed
// only while they hold bytes.
type conn struct {
	fd       int
	state    state
	waited   bool // the first buffered request has had its wait
	linger   bool // close gently: the last answer was an error
	more     bool // its turn ended with requests left: the loop gives it another (Loop.Again)
	events   uint32
	lingered int
	active   time.Duration // last progress: accepted, answered, or some output sent
	reqStart time.Duration // when the first byte of the buffered request arrived
	timer    poller.Timer[*conn]
	in       []byte // unparsed input, always from index 0 of its buffer
	out      []byte // unsent output
	// A download under way (sending): the file, how much of it is sent,
	// and whether the connection closes after it.
	file      *files.File
	fileOff   int64
	fileClose bool
	// An upload under way (uploading), and whether the connection closes
	// after its answer.
	upload  *files.Upload
	upClose bool
}

// add starts serving a new connection: Handler.Open.
func (l *Loop) add(fd int) {
	now := l.Now()
	c := &conn{fd: fd, events: evloop.Readable, active: now, reqStart: now}
	c.timer.Value = c
	l.Put(fd, c)
	l.Timers().Set(&c.timer, now+l.app.IdleTimeout)
}

// ready handles readiness of c's socket: Handler.Ready.
func (l *Loop) ready(c *conn, ev uint32) {
	l.Tick()
	if ev&evloop.Writable != 0 && len(c.out) > 0 {
		l.flush(c)
		if c.fd < 0 {
			return
		}
	}
	if ev&evloop.Writable != 0 && c.state == sending && len(c.out) == 0 {
		l.pump(c)
		return
	}
	if ev&(evloop.Readable|evloop.Hangup) == 0 {
		return
	}
	for {
		more := false
		switch {
		case c.state == lingering:
			more = l.drain(c)
		case c.state == uploading:
			more = l.readBody(c)
		case c.state == reading && len(c.out) == 0 && !c.more:
			more = l.read(c)
		case ev&evloop.Hangup != 0:
			l.close(c) // the client is gone while its request is in flight
		}
		if !l.readOn(c, more) {
			return
		}
	}
}

// readOn reports whether c's socket must be read again now. Level-triggered,
// the multiplexer says again what is left unread. Edge-triggered, it says
// nothing more until new bytes come: read on until EAGAIN while the socket
// is watched for reading (a change of interest, when a request waits or an
// answer is left unsent, re-arms the watch, and epoll then reports what is
// there). A turn that ended with requests left stops the reading too; resume
// reads on.
func (l *Loop) readOn(c *conn, more bool) bool {
	return l.edge && more && c.fd >= 0 && c.events&evloop.Readable != 0
}

// resume answers more of what c read, after the other connections had
// their turn: Handler.Resume. Edge-triggered, it then reads what the socket
// still holds.
func (l *Loop) resume(c *conn) {
	c.more = false
	if c.fd >= 0 && c.state == reading && len(c.out) == 0 {
		l.serve(c, c.in)
		if l.readOn(c, true) {
			l.ready(c, evloop.Readable)
		}
	}
}

// read reads what arrived and answers every whole request in it. It
// reports whether the socket may hold more: it did not say EAGAIN.
func (l *Loop) read(c *conn) (more bool) {
	buf := l.rbuf[:0] // nothing kept: read straight into the loop's buffer
	if c.in != nil {
		if len(c.in) == cap(c.in) {
			if cap(c.in) >= targets.MaxBuffer { // cannot happen: the parser refuses first
				l.close(c)
				return false
			}
			grown := make([]byte, len(c.in), min(2*cap(c.in), targets.MaxBuffer))
			copy(grown, c.in)
			l.bufs.Put(c.in)
			c.in = grown
		}
		buf = c.in
	}
	n, err := poller.Read(c.fd, buf[len(buf):cap(buf)])
	switch {
	case err == unix.EAGAIN:
		return false
	case err == unix.EINTR:
		return true
	case n <= 0 || err != nil: // end of stream, or reset
		l.close(c)
		return false
	}
	if len(buf) == 0 {
		c.reqStart = l.Now()
	}
	l.serve(c, buf[:len(buf)+n])
	return true
}

// serve answers the whole requests at the start of in, in order, until one
// must wait, the input runs out, the client has not taken OutputWindow of
// answers (the rest waits until it has: see flush) or the turn is over (the
// rest waits until the others had theirs: see resume); then it sends the
// answers and keeps the rest.
func (l *Loop) serve(c *conn, in []byte) {
	out := l.wbuf[:0]
	req := &l.req
	start := l.Now()
	for served := 0; c.state == reading; served++ {
		if len(out)+len(c.out) >= targets.OutputWindow {
			l.send(c, out)
			if out = out[:0]; c.fd < 0 {
				*req = protocol.Request{}
				l.wbuf = out
				return
			}
			if len(c.out) > 0 {
				break // the client is not reading: wait until it has
			}
		}
		*req = protocol.Request{}
		n, err := protocol.ParseRequest(in, req)
		if err != nil {
			out = protocol.AppendError(out, err)
			c.state, c.linger, in = closing, true, nil
			break
		}
		if n == 0 {
			break
		}
		if served >= targets.TurnRequests || l.Now()-start >= targets.TurnTime {
			c.more = true // resume parses this request again
			l.Again(c)
			break
		}
		offloads := l.pool != nil && l.app.Files != nil
		if targets.Streamed(req) {
			if offloads && l.offloadStream(c, req) {
				in = in[n:]
				break
			}
			in, out = l.stream(c, req, in, out, n)
			continue
		}
		if req.Endpoint == protocol.EndpointDisk && offloads && l.offloadDisk(c, req.DiskKB, req.DiskSync, req.Close) {
			in = in[n:]
			break
		}
		if d := req.Wait(); d > 0 && !c.waited {
			c.state = waiting
			l.Timers().Set(&c.timer, l.Now()+d)
			break
		}
		c.waited = false
		if l.onRequest != nil {
			l.onRequest(req)
		}
		out = l.app.Respond(out, req)
		in = in[n:]
		if req.Close {
			c.state, in = closing, nil
		}
		now := l.Tick() // the work took time
		c.active, c.reqStart = now, now
	}
	*req = protocol.Request{} // keep no reference to the input
	l.keep(c, in)
	l.send(c, out)
	l.wbuf = out[:0]
	if c.state == sending && len(c.out) == 0 {
		l.pump(c)
		return
	}
	l.settle(c)
}

// keep holds on to unparsed input in c's own buffer, borrowing one only if
// there is something to keep.
func (l *Loop) keep(c *conn, in []byte) {
	switch {
	case len(in) == 0:
		if c.in != nil {
			l.bufs.Put(c.in)
			c.in = nil
		}
	case c.in != nil: // in lies in c.in: move it to the front
		c.in = c.in[:copy(c.in[:cap(c.in)], in)]
	default:
		c.in = append(l.bufs.Get(), in...)
	}
}
