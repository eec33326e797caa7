package loadgen

import (
	"io"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/internal/poller"
	"github.com/corobench/corobench/protocol"
)

// connState is where a connection of the epoll engine is in its cycle.
type connState uint8

const (
	stDown       connState = iota // no socket: dial when due
	stConnecting                  // connect in progress, bounded by due
	stIdle                        // connected, thinking until due (or the run is over)
	stBusy                        // a round in flight, timing out at due
)

// econn is one connection of the epoll engine; only its loop touches it.
type econn struct {
	idx     int // in its loop, and its key in the loop's poller
	fd      int
	state   connState
	writing bool // EPOLLOUT is watched for the rest of a partial write
	mix     *mix
	out     []byte // the round's bytes, or its part being written
	obuf    []byte // where a pipelined round is encoded
	wrote   int
	// stream, when the round streams a body from a file, hands out its
	// parts after out (see sender).
	stream *sender
	snd    sender
	reqs   []*encoded // the round's requests
	got    int        // answered so far
	in     rbuf       // received bytes
	p      protocol.ResponseParser
	sent   time.Time
	due    time.Time // zero: nothing due
}

func (c *econn) close() {
	if c.fd >= 0 {
		unix.Close(c.fd)
		c.fd = -1
	}
	c.state, c.writing = stDown, false
	c.in.buf, c.in.rpos = c.in.buf[:0], 0
}

// dial starts connecting c; the connect completes (or fails) when the
// socket is writable, even when it is already done, so that the loop never
// recurses.
func (l *eloop) dial(c *econn, now time.Time) {
	c.due = time.Time{}
	fd, err := unix.Socket(l.family, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		l.dialFailed(c, err, now)
		return
	}
	c.fd = fd
	unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
	if err := unix.Connect(fd, l.sa); err != nil && err != unix.EINPROGRESS {
		l.dialFailed(c, err, now)
		return
	}
	if err := l.p.AddKey(c.fd, poller.Writable, int32(c.idx)); err != nil {
		l.dialFailed(c, err, now)
		return
	}
	c.in.reset()
	c.p.MaxBody, c.p.Digests = l.rs.cfg.maxBody, l.rs.cfg.verify.digests()
	c.state = stConnecting
	l.due(c, now.Add(l.rs.cfg.timeout))
}

// dialFailed counts a failed connect and pauses before the next try.
func (l *eloop) dialFailed(c *econn, err error, now time.Time) {
	c.close()
	if !l.rs.ending(l.ctx, now) {
		l.shard.addFailure(l.rs.rec, now, kindOf(err, true))
	}
	l.due(c, now.Add(reconnectPause))
}

// ready handles what epoll reported for c and returns the time of the last
// answer it timed (or now).
func (l *eloop) ready(c *econn, events uint32, now time.Time) time.Time {
	switch {
	case c.state == stConnecting:
		if events&(unix.EPOLLOUT|unix.EPOLLERR|unix.EPOLLHUP) == 0 {
			return now
		}
		if errno, err := unix.GetsockoptInt(c.fd, unix.SOL_SOCKET, unix.SO_ERROR); err != nil || errno != 0 {
			if err == nil {
				err = unix.Errno(errno)
			}
			l.dialFailed(c, err, now)
			return now
		}
		if err := l.p.ModKey(c.fd, poller.Readable, int32(c.idx)); err != nil {
			l.dialFailed(c, err, now)
			return now
		}
		l.send(c, now)
		return now
	case c.fd < 0:
		return now
	}
	if c.writing && events&unix.EPOLLOUT != 0 {
		l.flush(c, now)
	}
	if c.fd >= 0 && events&(unix.EPOLLIN|unix.EPOLLERR|unix.EPOLLHUP) != 0 {
		if l.ring != nil {
			l.readable = append(l.readable, c) // read with the others in readAll
			return now
		}
		return l.read(c, now)
	}
	return now
}

// send writes c's next round of requests, unless the run is over.
func (l *eloop) send(c *econn, now time.Time) {
	if l.start(c, now) {
		l.flush(c, now)
	}
}

// start makes c's next round of requests, to be written from c.out; it
// reports false when the run is over.
func (l *eloop) start(c *econn, now time.Time) bool {
	c.due = time.Time{}
	c.state = stIdle
	if !now.Before(l.rs.rec.end) {
		return false
	}
	c.reqs, c.got, c.wrote, c.stream = c.reqs[:0], 0, 0, nil
	if depth := l.rs.cfg.pipeline; depth == 1 {
		r := c.mix.next()
		c.reqs = append(c.reqs, r)
		c.out = r.bytes
	} else {
		c.obuf = c.obuf[:0]
		for range depth {
			r := c.mix.next()
			c.reqs = append(c.reqs, r)
			c.obuf = append(c.obuf, r.bytes...)
		}
		c.out = c.obuf
	}
	if streams(c.reqs) {
		c.stream = &c.snd
		c.stream.start(c.reqs)
		c.out, _ = c.stream.next() // a head, from memory
	}
	c.p.Begin(c.reqs[0].head, c.reqs[0].keep)
	c.state, c.sent = stBusy, now
	l.due(c, now.Add(l.rs.cfg.timeout))
	return true
}

// flush writes what is left of c's round, watching for writability while
// the socket's buffer is full.
func (l *eloop) flush(c *econn, now time.Time) {
	for c.wrote < len(c.out) || c.stream != nil {
		if c.wrote == len(c.out) {
			next, err := c.stream.next()
			if err != nil {
				l.fail(c, err, now)
				return
			}
			if next == nil {
				c.stream = nil
				break
			}
			c.out, c.wrote = next, 0
		}
		n, err := poller.Write(c.fd, c.out[c.wrote:])
		switch {
		case err == unix.EAGAIN:
			if !c.writing {
				c.writing = true
				if err := l.p.ModKey(c.fd, poller.Readable|poller.Writable, int32(c.idx)); err != nil {
					l.fail(c, err, now)
				}
			}
			return
		case err == unix.EINTR:
			continue
		case err != nil:
			l.fail(c, err, now)
			return
		}
		c.wrote += n
	}
	if c.writing {
		c.writing = false
		if err := l.p.ModKey(c.fd, poller.Readable, int32(c.idx)); err != nil {
			l.fail(c, err, now)
		}
	}
}

// read takes what c's socket has and handles each complete answer; it
// returns the time of the last one (or now).
func (l *eloop) read(c *econn, now time.Time) time.Time {
	n, err := poller.Read(c.fd, c.in.space())
	return l.received(c, n, err, now)
}

// received handles the outcome of a read of n bytes into c's buffer's
// space: each complete answer is timed and checked, and the next round
// queued; it returns the time of the last answer (or now).
func (l *eloop) received(c *econn, n int, err error, now time.Time) time.Time {
	switch {
	case err == unix.EAGAIN || err == unix.EINTR:
		return now
	case err == nil && n == 0:
		err = io.EOF
	}
	if err == nil {
		c.in.filled(n)
	}
	if c.state != stBusy {
		unasked := len(c.in.unparsed()) > maxUnasked
		if err != nil || unasked {
			c.close() // closed while idle: dial again when the think time is over
			if unasked {
				l.shard.addFailure(l.rs.rec, now, ErrUnasked)
			} else {
				l.targetClosed(c, now)
			}
			if c.due.IsZero() && now.Before(l.rs.rec.end) {
				l.due(c, now)
			}
		}
		return now // nothing asked: parsed against the next request
	}
	rec := l.rs.rec
	for c.got < len(c.reqs) {
		used, done, perr := c.p.Parse(c.in.unparsed())
		c.in.rpos += used
		if perr == nil && !done && err == io.EOF {
			done, perr = c.p.EOF() // a body delimited by the close, or an answer cut short
		}
		switch {
		case perr != nil:
			l.fail(c, perr, now)
			return now
		case !done && err != nil:
			l.fail(c, err, now)
			return now
		case !done:
			return now
		}
		t := time.Now()
		now = t
		req := c.reqs[c.got]
		c.got++
		resp := &c.p.Resp
		if kind := l.rs.check(req, resp); kind != "" {
			l.shard.addBadAnswer(rec, t, kind)
			l.abandon(c, t)
			return t
		}
		l.shard.addSuccess(rec, t, t, t.Sub(c.sent), t.Sub(c.sent), resp.Size)
		if resp.Close || err != nil {
			l.targetClosed(c, t)
			l.abandon(c, t)
			return t
		}
		if c.got < len(c.reqs) {
			next := c.reqs[c.got]
			c.p.Begin(next.head, next.keep)
		}
	}
	switch {
	case err != nil:
		// Every answer came, and then the close: the next round goes on a
		// new connection.
		c.close()
		l.targetClosed(c, now)
	case c.wrote < len(c.out) || c.stream != nil:
		// Every answer came before the round was written whole: the rest
		// cannot be sent on this connection.
		c.close()
	}
	l.roundDone(c, now)
	return now
}

// targetClosed counts c's connection, closed by the target at now.
func (l *eloop) targetClosed(c *econn, now time.Time) {
	if !l.rs.cfg.connPerReq {
		l.shard.addReconnect(l.rs.rec, now)
	}
}

// abandon closes c after the answer that came at now ended it: the rest
// of its round was cut short by the target, not by the run's end; and goes
// on.
func (l *eloop) abandon(c *econn, now time.Time) {
	l.lost(c, ErrClosed, false, now)
	l.roundDone(c, now)
}

// fail ends c's round on err and goes on.
func (l *eloop) fail(c *econn, err error, now time.Time) {
	l.lost(c, kindOf(err, false), l.ctx.Err() != nil, now)
	l.roundDone(c, now)
}

// lost closes c after a failure of kind cut its round short at now, and
// records the unanswered requests as recorder.lost says.
func (l *eloop) lost(c *econn, kind string, stopped bool, now time.Time) {
	n := len(c.reqs) - c.got
	c.got = len(c.reqs)
	c.close()
	l.shard.addLost(l.rs.rec, n, kind, stopped, now, c.sent)
}

// roundDone starts c's next round: after the think time, on a new
// connection if this one was closed.
func (l *eloop) roundDone(c *econn, now time.Time) {
	cfg := l.rs.cfg
	if cfg.connPerReq {
		c.close()
	}
	switch {
	case cfg.think > 0:
		if c.fd >= 0 {
			c.state = stIdle
		}
		l.due(c, now.Add(cfg.think))
	case c.fd < 0:
		l.dial(c, now)
	default:
		l.queue = append(l.queue, c) // sent with the others answered in this wake-up
	}
}

// expire acts on c's deadline.
func (l *eloop) expire(c *econn, now time.Time) {
	switch c.state {
	case stDown:
		l.dial(c, now)
	case stConnecting:
		l.dialFailed(c, os.ErrDeadlineExceeded, now)
	case stIdle:
		l.send(c, now)
	case stBusy:
		l.fail(c, os.ErrDeadlineExceeded, now)
	}
}
