package loadgen

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"time"

	"github.com/corobench/corobench/protocol"
)

// conn is one client connection, the bytes it has received but not yet
// parsed, and the parser of its responses. Ending the run's context breaks
// any read or write in progress.
type conn struct {
	nc   net.Conn
	in   rbuf
	p    protocol.ResponseParser
	stop func() bool // deregisters the context hook
	out  sender
	one  [1]*encoded
}

// dial connects to the run's target within its timeout, with TLS when the
// run has a TLS configuration.
func (c *conn) dial(ctx context.Context, rs *runState) error {
	timeout := rs.cfg.timeout
	d := net.Dialer{Timeout: timeout}
	nc, err := d.DialContext(ctx, "tcp", rs.addr)
	if err != nil {
		return err
	}
	if rs.tls != nil {
		tc := tls.Client(nc, rs.tls)
		hctx, cancel := context.WithTimeout(ctx, timeout)
		err := tc.HandshakeContext(hctx)
		cancel()
		if err != nil {
			nc.Close()
			return &tlsError{err}
		}
		rs.rec.handshake(tc.ConnectionState().DidResume, time.Now())
		nc = tc
	}
	c.nc = nc
	c.in.reset()
	c.p.MaxBody, c.p.Digests = rs.cfg.maxBody, rs.cfg.verify.digests()
	c.stop = context.AfterFunc(ctx, func() { nc.SetDeadline(time.Unix(1, 0)) })
	return nil
}

// tlsError is a failed TLS handshake.
type tlsError struct{ err error }

func (e *tlsError) Error() string { return "tls: " + e.err.Error() }
func (e *tlsError) Unwrap() error { return e.err }

func (c *conn) open() bool { return c.nc != nil }

func (c *conn) close() {
	if c.nc != nil {
		c.stop()
		c.nc.Close()
		c.nc = nil
	}
}

// send writes reqs whole, streaming the bodies read from files, or fails
// by deadline.
func (c *conn) send(reqs []*encoded, deadline time.Time) error {
	c.nc.SetDeadline(deadline)
	c.out.start(reqs)
	for {
		b, err := c.out.next()
		if err != nil || b == nil {
			return err
		}
		if _, err := c.nc.Write(b); err != nil {
			return err
		}
	}
}

// sendOne is send of one request.
func (c *conn) sendOne(req *encoded, deadline time.Time) error {
	c.one[0] = req
	return c.send(c.one[:], deadline)
}

// read parses the response to req into c.p.Resp, reading as needed. A
// kept body stays valid until the next read.
func (c *conn) read(req *encoded) (*protocol.Response, error) {
	c.p.Begin(req.head, req.keep)
	for {
		used, done, err := c.p.Parse(c.in.unparsed())
		c.in.rpos += used
		if err != nil || done {
			return &c.p.Resp, err
		}
		space := c.in.space()
		if len(space) == 0 {
			return nil, protocol.ErrHeadTooLarge // unreachable: the parser's bounds come first
		}
		n, err := c.nc.Read(space)
		c.in.filled(n)
		if err != nil && n == 0 {
			if errors.Is(err, io.EOF) { // the end of a body delimited by the close, or a response cut short
				_, err = c.p.EOF()
			}
			return &c.p.Resp, err
		}
	}
}
