package poller_test

import (
	"fmt"
	"net/netip"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/internal/poller"
)

// udpFD is a non-blocking UDP socket bound to 127.0.0.1, and its port.
func udpFD(t *testing.T) (int, int) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	require.NoError(t, err)
	t.Cleanup(func() { unix.Close(fd) })
	require.NoError(t, unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}))
	sa, err := unix.Getsockname(fd)
	require.NoError(t, err)
	return fd, sa.(*unix.SockaddrInet4).Port
}

// A batch sent with sendmmsg arrives whole through recvmmsg, each datagram
// with its source, and the answers go back to each source: one system call
// each way.
func TestMsgsRoundTrip(t *testing.T) {
	t.Parallel()
	server, port := udpFD(t)
	clientA, _ := udpFD(t)
	clientB, _ := udpFD(t)
	to := addr4(port)
	for i, fd := range []int{clientA, clientB} {
		out := poller.NewMsgs(8, 0, true)
		for j := range 3 {
			out.Add(fmt.Appendf(nil, "%d-%d", i, j), &to)
		}
		n, err := out.Send(fd)
		require.NoError(t, err)
		assert.Equal(t, 3, n)
		assert.Zero(t, out.Len())
	}
	in := poller.NewMsgs(8, 64, true)
	n, err := in.Recv(server)
	require.NoError(t, err)
	require.Equal(t, 6, n)
	var got []string
	back := poller.NewMsgs(8, 0, true)
	for i := range n {
		got = append(got, string(in.Datagram(i)))
		assert.False(t, in.Truncated(i))
		back.Add(in.Datagram(i), in.Addr(i))
	}
	assert.ElementsMatch(t, []string{"0-0", "0-1", "0-2", "1-0", "1-1", "1-2"}, got)
	_, err = back.Send(server)
	require.NoError(t, err)
	mine := poller.NewMsgs(8, 64, true)
	n, err = mine.Recv(clientA)
	require.NoError(t, err)
	require.Equal(t, 3, n, "client A gets its own three back")
	for i := range n {
		assert.Contains(t, string(mine.Datagram(i)), "0-")
		assert.Equal(t, "127.0.0.1:"+strconv.Itoa(port), poller.AddrPortOf(mine.Addr(i)).String())
	}
	_, err = in.Recv(server)
	assert.Equal(t, unix.EAGAIN, err, "nothing more")
}

// A datagram longer than its buffer is cut, and says so.
func TestMsgsTruncated(t *testing.T) {
	t.Parallel()
	server, port := udpFD(t)
	client, _ := udpFD(t)
	to := addr4(port)
	out := poller.NewMsgs(1, 0, true)
	out.Add(make([]byte, 100), &to)
	_, err := out.SendEach(client)
	require.NoError(t, err)
	in := poller.NewMsgs(1, 10, true)
	n, err := in.RecvOne(server)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	assert.Len(t, in.Datagram(0), 10)
	assert.True(t, in.Truncated(0))
}

// Moving a batch allocates nothing.
func TestMsgsAllocateNothing(t *testing.T) {
	server, port := udpFD(t)
	client, _ := udpFD(t)
	to := addr4(port)
	out := poller.NewMsgs(4, 0, true)
	in := poller.NewMsgs(4, 64, true)
	msg := []byte("hello")
	allocs := testing.AllocsPerRun(100, func() {
		for range 4 {
			out.Add(msg, &to)
		}
		if _, err := out.Send(client); err != nil {
			t.Fatal(err)
		}
		if _, err := in.Recv(server); err != nil {
			t.Fatal(err)
		}
	})
	assert.Zero(t, allocs)
}

func addr4(port int) poller.RawAddr {
	return poller.RawAddrOf(netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), uint16(port)))
}
