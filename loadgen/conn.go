package loadgen

import (
	"context"
	"net"
	"time"

	"github.com/corobench/corobench/protocol"
)

// conn is one client connection and the bytes it has received but not yet
// parsed. Ending the run's context breaks any read or write in progress.
type conn struct {
	nc   net.Conn
	buf  []byte
	stop func() bool // deregisters the context hook
}

// dial connects to addr within timeout.
func (c *conn) dial(ctx context.Context, addr string, timeout time.Duration) error {
	d := net.Dialer{Timeout: timeout}
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	c.nc = nc
	if c.buf == nil {
		c.buf = make([]byte, 0, 16<<10)
	}
	c.buf = c.buf[:0]
	c.stop = context.AfterFunc(ctx, func() { nc.SetDeadline(time.Unix(1, 0)) })
	return nil
}

func (c *conn) open() bool { return c.nc != nil }

func (c *conn) close() {
	if c.nc != nil {
		c.stop()
		c.nc.Close()
		c.nc = nil
	}
}

// write sends b whole, or fails by deadline.
func (c *conn) write(b []byte, deadline time.Time) error {
	c.nc.SetDeadline(deadline)
	_, err := c.nc.Write(b)
	return err
}

// read parses the next response into resp, reading as needed, and returns
// the bytes it used; the caller passes them to consume once done with
// resp.Body.
func (c *conn) read(resp *protocol.Response) (int, error) {
	for {
		n, err := protocol.ParseResponse(c.buf, resp)
		if err != nil || n > 0 {
			return n, err
		}
		if len(c.buf) == cap(c.buf) {
			grown := make([]byte, len(c.buf), 2*cap(c.buf))
			copy(grown, c.buf)
			c.buf = grown
		}
		m, err := c.nc.Read(c.buf[len(c.buf):cap(c.buf)])
		c.buf = c.buf[:len(c.buf)+m]
		if err != nil && m == 0 {
			return 0, err
		}
	}
}

// consume drops the first n parsed bytes.
func (c *conn) consume(n int) { c.buf = c.buf[:copy(c.buf, c.buf[n:])] }
