package eventloop

import (
	"time"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/internal/poller"
	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/internal/evloop"
)

// send writes out, keeping what the socket does not take until it is
// writable.
func (l *Loop) send(c *conn, out []byte) {
	if len(out) == 0 {
		return
	}
	if len(c.out) > 0 { // earlier answers go first
		c.out = append(c.out, out...)
		return
	}
	n, ok := l.write(c, out)
	if ok && n < len(out) {
		c.out = append(l.bufs.Get(), out[n:]...)
	}
}

// flush sends what an earlier write left. Once all is sent, the requests
// that waited for it are answered.
func (l *Loop) flush(c *conn) {
	n, ok := l.write(c, c.out)
	if !ok {
		return
	}
	if n > 0 {
		c.active = l.Now()
	}
	if c.out = c.out[n:]; len(c.out) == 0 {
		l.bufs.Put(c.out) // kept only if it was never resliced
		c.out = nil
		if c.state == reading && len(c.in) > 0 && !c.more {
			l.serve(c, c.in)
			return
		}
	}
	l.settle(c)
}

// write writes as much of b as the socket takes. On an error it closes c
// and reports false.
func (l *Loop) write(c *conn, b []byte) (int, bool) {
	sent := 0
	for sent < len(b) {
		n, err := poller.Write(c.fd, b[sent:])
		if n > 0 {
			sent += n
		}
		switch {
		case err == unix.EAGAIN:
			return sent, true
		case err == unix.EINTR:
		case err != nil:
			l.close(c)
			return sent, false
		}
	}
	return sent, true
}

// settle makes c's interest and timer match its state, and closes it when
// its work is done. It is also Handler.Stop: once the loop stops, a
// connection with no request in flight closes.
func (l *Loop) settle(c *conn) {
	if c.fd < 0 {
		return
	}
	var want uint32
	switch c.state {
	case waiting: // the timer is the wait
		if len(c.out) > 0 {
			want = evloop.Writable
		}
	case lingering: // the timer is the linger
		want = evloop.Readable
	case uploading:
		want = evloop.Readable
		l.due(c, c.reqStart+l.app.RequestTimeout)
	case sending:
		want = evloop.Writable
		l.due(c, c.active+l.app.WriteTimeout)
	case closing:
		switch {
		case len(c.out) > 0:
			want = evloop.Writable
			l.due(c, c.active+l.app.WriteTimeout)
		case c.linger:
			unix.Shutdown(c.fd, unix.SHUT_WR)
			c.state = lingering
			want = evloop.Readable
			l.Timers().Set(&c.timer, l.Now()+targets.LingerTime)
		default:
			l.close(c)
			return
		}
	case reading:
		switch {
		case len(c.out) > 0:
			want = evloop.Writable
			l.due(c, c.active+l.app.WriteTimeout)
		case c.more: // its turn comes (resume)
			want = evloop.Readable
		case l.Stopping():
			l.close(c)
			return
		case len(c.in) > 0:
			want = evloop.Readable
			l.due(c, c.reqStart+l.app.RequestTimeout)
		default:
			want = evloop.Readable
			l.due(c, c.active+l.app.IdleTimeout)
		}
	}
	if want != c.events {
		l.Mod(c.fd, want)
		c.events = want
	}
}

// due makes c's timer fire no later than at. A later deadline leaves the
// timer where it is: when it fires, expire moves it on. So a busy connection
// does not move its timer at every request.
func (l *Loop) due(c *conn, at time.Duration) {
	if !c.timer.Scheduled() || c.timer.When() > at {
		l.Timers().Set(&c.timer, at)
	}
}

// expire handles c's timer: Handler.Expire.
func (l *Loop) expire(c *conn) {
	now := l.Now()
	switch {
	case c.state == waiting:
		c.state, c.waited = reading, true
		l.serve(c, c.in)
	case c.state == lingering:
		l.close(c)
	case c.state == offloaded:
		return // its job is bounded; the answer settles it
	case c.state == uploading:
		if now < c.reqStart+l.app.RequestTimeout {
			l.settle(c)
			return
		}
		// An upload whose body stopped coming is answered, and leaves no file.
		dropFiles(c)
		c.state, c.linger = closing, true
		l.send(c, protocol.AppendError(l.wbuf[:0], targets.ErrRequestTimeout))
		l.settle(c)
	case len(c.out) > 0 || c.state == sending: // a client that does not read
		if now < c.active+l.app.WriteTimeout {
			l.settle(c)
			return
		}
		l.close(c)
	case c.state == reading && len(c.in) > 0:
		if now < c.reqStart+l.app.RequestTimeout {
			l.settle(c)
			return
		}
		// A request that takes too long to arrive is answered.
		c.state, c.linger = closing, true
		l.keep(c, nil)
		l.send(c, protocol.AppendError(l.wbuf[:0], targets.ErrRequestTimeout))
		l.settle(c)
	case c.state == reading:
		if now < c.active+l.app.IdleTimeout {
			l.settle(c)
			return
		}
		l.close(c) // idle too long: close quietly
	default:
		l.close(c)
	}
}

// drain reads and drops what a client sends after its error answer, until it
// closes or sends too much. It reports whether the socket may hold more.
func (l *Loop) drain(c *conn) (more bool) {
	n, err := poller.Read(c.fd, l.rbuf)
	switch {
	case err == unix.EAGAIN:
	case err == unix.EINTR:
		return true
	case n <= 0 || err != nil:
		l.close(c)
	default:
		if c.lingered += n; c.lingered >= targets.LingerBytes {
			l.close(c)
			return false
		}
		return true
	}
	return false
}

// refuse turns away a connection the multiplexer cannot watch
// (Handler.Refuse): it is counted (/stats), answered 503 with why (select:
// its descriptor is past FD_SETSIZE) if its socket takes the answer at
// once, and closed. What the client sent is read first, best effort, so
// that the close does not reset the answer away.
func (l *Loop) refuse(fd int, why error) {
	l.app.Refused()
	answer := &protocol.Error{Status: targets.ErrRefused.Status, Reason: targets.ErrRefused.Reason + ": " + why.Error()}
	poller.Write(fd, protocol.AppendError(l.wbuf[:0], answer))
	unix.Shutdown(fd, unix.SHUT_WR)
	poller.Read(fd, l.rbuf)
	unix.Close(fd)
}

// close closes c's socket and lets go of everything it holds; it is also
// Handler.Close. While a file thread may use its socket and file (c is
// offloaded), they stay open, unwatched, until the job is back
// (finishJobs), so that neither descriptor is reused under the thread.
func (l *Loop) close(c *conn) {
	if c.fd < 0 {
		return
	}
	if c.state == offloaded {
		l.Del(c.fd)
	} else {
		unix.Close(c.fd) // also ends its watch
		dropFiles(c)
	}
	l.Forget(c.fd)
	c.fd = -1
	l.Timers().Stop(&c.timer)
	if c.in != nil {
		l.bufs.Put(c.in)
	}
	if c.out != nil {
		l.bufs.Put(c.out)
	}
	c.in, c.out = nil, nil
}
