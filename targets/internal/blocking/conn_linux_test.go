package blocking_test

import (
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/targets/internal/blocking"
)

// pair returns a blocking Conn and the client end of a loopback connection.
func pair(t *testing.T) (*blocking.Conn, net.Conn) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	t.Cleanup(func() { client.Close() })
	server, err := ln.Accept()
	require.NoError(t, err)
	c, err := blocking.FromNet(server)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c, client
}

func TestReadPastDeadline(t *testing.T) {
	t.Parallel()
	c, _ := pair(t)
	require.NoError(t, c.SetReadDeadline(time.Now().Add(20*time.Millisecond)))
	_, err := c.Read(make([]byte, 10))
	assert.ErrorIs(t, err, os.ErrDeadlineExceeded)
	require.NoError(t, c.SetReadDeadline(time.Now().Add(-time.Second)))
	_, err = c.Read(make([]byte, 10))
	assert.ErrorIs(t, err, os.ErrDeadlineExceeded, "a deadline in the past fails at once")
}

// Wake ends a Read blocked in another thread, but lets what already
// arrived be read first.
func TestWake(t *testing.T) {
	t.Parallel()
	c, client := pair(t)
	_, err := client.Write([]byte("abc"))
	require.NoError(t, err)
	time.Sleep(20 * time.Millisecond)
	c.Wake()
	buf := make([]byte, 10)
	n, err := c.Read(buf)
	require.NoError(t, err)
	assert.Equal(t, "abc", string(buf[:n]))
	_, err = c.Read(buf)
	assert.ErrorIs(t, err, io.EOF)

	c2, _ := pair(t)
	done := make(chan error, 1)
	go func() { _, err := c2.Read(buf); done <- err }()
	time.Sleep(20 * time.Millisecond)
	c2.Wake()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, io.EOF)
	case <-time.After(5 * time.Second):
		t.Fatal("Wake did not end a blocked Read")
	}
	require.NoError(t, c2.Close())
	c2.Wake() // after Close: does nothing
}

func TestWriteAndEOF(t *testing.T) {
	t.Parallel()
	c, client := pair(t)
	big := make([]byte, 4<<20)
	go func() { c.Write(big); c.Close() }()
	got, err := io.ReadAll(client)
	require.NoError(t, err)
	assert.Len(t, got, len(big))
}

// A write to a client that reads nothing fails once the write timeout has
// passed with nothing taken; Abort fails one blocked in another thread.
func TestWriteTimeoutAndAbort(t *testing.T) {
	t.Parallel()
	c, _ := pair(t)
	require.NoError(t, c.SetWriteTimeout(50*time.Millisecond))
	_, err := c.Write(make([]byte, 64<<20))
	assert.ErrorIs(t, err, os.ErrDeadlineExceeded)

	c2, _ := pair(t)
	done := make(chan error, 1)
	go func() { _, err := c2.Write(make([]byte, 64<<20)); done <- err }()
	time.Sleep(50 * time.Millisecond)
	c2.Abort()
	select {
	case err := <-done:
		assert.Error(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("Abort did not end a blocked Write")
	}
	require.NoError(t, c2.Close())
	c2.Abort() // after Close: does nothing
}
