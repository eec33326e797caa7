package poller_test

import (
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/internal/poller"
)

// newPollerAndPipe returns a poller and a non-blocking pipe, closed when t
// ends.
func newPollerAndPipe(t *testing.T) (*poller.Poller, [2]int) {
	p, err := poller.New()
	require.NoError(t, err)
	t.Cleanup(func() { p.Close() })
	var fds [2]int
	require.NoError(t, unix.Pipe2(fds[:], unix.O_NONBLOCK|unix.O_CLOEXEC))
	t.Cleanup(func() { unix.Close(fds[0]); unix.Close(fds[1]) })
	return p, fds
}

func TestPollerReportsReadableAndWakes(t *testing.T) {
	t.Parallel()
	p, fds := newPollerAndPipe(t)
	require.NoError(t, p.Add(fds[0], poller.Readable))

	// Nothing ready: the timeout ends the wait.
	var ready []int
	note := func(fd int, _ uint32) { ready = append(ready, fd) }
	woken, err := p.Wait(time.Millisecond, note)
	require.NoError(t, err)
	assert.False(t, woken)
	assert.Empty(t, ready)

	_, err = unix.Write(fds[1], []byte("x"))
	require.NoError(t, err)
	woken, err = p.Wait(-1, note)
	require.NoError(t, err)
	assert.False(t, woken)
	assert.Equal(t, []int{fds[0]}, ready)

	// Wake from another goroutine ends a wait with no timeout.
	require.NoError(t, p.Mod(fds[0], 0))
	go p.Wake()
	woken, err = p.Wait(-1, func(int, uint32) {})
	require.NoError(t, err)
	assert.True(t, woken)
}

func TestAcceptFromListenerFD(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	lfd, err := poller.ListenerFD(ln)
	require.NoError(t, err)
	defer unix.Close(lfd)

	_, err = poller.Accept(lfd)
	assert.ErrorIs(t, err, unix.EAGAIN, "nobody waiting: EAGAIN, not a block")
	c, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer c.Close()
	require.Eventually(t, func() bool {
		fd, err := poller.Accept(lfd)
		if err != nil {
			return false
		}
		defer unix.Close(fd)
		flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
		require.NoError(t, err)
		assert.NotZero(t, flags&unix.O_NONBLOCK, "accepted socket is non-blocking")
		nodelay, err := unix.GetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY)
		require.NoError(t, err)
		assert.Equal(t, 1, nodelay)
		return true
	}, 5*time.Second, time.Millisecond)
}

// A Wake after Close writes nothing, not into the file that reused the
// eventfd's number: a pipe made right after the Close takes the two
// numbers the poller freed.
func TestWakeAfterCloseWritesNothing(t *testing.T) {
	p, err := poller.New()
	require.NoError(t, err)
	require.NoError(t, p.Close())
	var fds [2]int
	require.NoError(t, unix.Pipe2(fds[:], unix.O_NONBLOCK|unix.O_CLOEXEC))
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])
	require.NoError(t, p.Wake())
	n, err := unix.Read(fds[0], make([]byte, 16))
	assert.Equal(t, unix.EAGAIN, err, "read %d bytes", n)
}

// A descriptor added with a key is reported by that key, even a key that is
// the number of the poller's own eventfd (a loop's connection index can
// be); Poll and Dispatch are Wait in two halves.
func TestKeysPollAndDispatch(t *testing.T) {
	t.Parallel()
	p, fds := newPollerAndPipe(t)
	key := int32(poller.WakeFD(p))
	require.NoError(t, p.AddKey(fds[0], poller.Readable, key))
	var got []int
	note := func(key int, _ uint32) { got = append(got, key) }

	n, err := p.Poll(0)
	require.NoError(t, err)
	assert.Zero(t, n, "nothing ready, and a zero timeout does not block")

	_, err = unix.Write(fds[1], []byte("x"))
	require.NoError(t, err)
	n, err = p.Poll(-1)
	require.NoError(t, err)
	assert.False(t, p.Dispatch(n, note), "a key equal to the eventfd's number is not a wake")
	assert.Equal(t, []int{int(key)}, got)

	require.NoError(t, p.ModKey(fds[0], poller.Readable, 7))
	require.NoError(t, p.Wake())
	got = nil
	n, err = p.Poll(-1)
	require.NoError(t, err)
	assert.True(t, p.Dispatch(n, note))
	assert.Equal(t, []int{7}, got, "the pipe, by its new key; the wake is not passed on")

	got = nil
	woken, err := p.Wait(0, note)
	require.NoError(t, err)
	assert.False(t, woken, "a wake is taken once")
	assert.Equal(t, []int{7}, got, "level-triggered: unread bytes are reported again")
}
