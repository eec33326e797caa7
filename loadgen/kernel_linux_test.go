package loadgen

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/results"
)

// flood sends n datagrams to a socket that never reads them: the kernel
// drops what its receive buffer cannot hold.
func flood(t *testing.T, to net.Addr, n int) {
	t.Helper()
	c, err := net.Dial("udp", to.String())
	require.NoError(t, err)
	defer c.Close()
	b := make([]byte, 1000)
	for range n {
		if _, err := c.Write(b); err != nil {
			time.Sleep(time.Millisecond) // the send queue is full
		}
	}
}

// The target's drops are its socket's own: another socket's drops, which
// the machine's RcvbufErrors counts too, are not the target's.
func TestKernelDropsAreTheTargetSockets(t *testing.T) {
	target, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	defer target.Close()
	other, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	defer other.Close()
	for _, c := range []*net.UDPConn{target, other} {
		require.NoError(t, c.SetReadBuffer(4096)) // a small buffer, soon full
	}

	k := newKernelDrops(target.LocalAddr().(*net.UDPAddr))
	k.mark()
	flood(t, other.LocalAddr(), 2000)
	k.finish()
	assert.Zero(t, k.target, "another socket's drops are not the target's")
	assert.Positive(t, k.rcvbuf, "the machine counts them")

	k = newKernelDrops(target.LocalAddr().(*net.UDPAddr))
	k.mark()
	flood(t, target.LocalAddr(), 2000)
	k.finish()
	assert.Positive(t, k.target, "the target's socket dropped what did not fit")
}

// /proc/net/udp writes the target's address alike in both columns: the
// sockets bound to its port (on its address or any) are the target's,
// those connected to it the client's, and the others neither.
func TestKernelDropsReadsBothColumns(t *testing.T) {
	t.Parallel()
	target := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}
	at := procAddr(target.IP.To4(), target.Port)
	anyAt := procAddr(make([]byte, 4), target.Port)
	none := procAddr(make([]byte, 4), 0)
	lo, other := procAddr(net.IPv4(127, 0, 0, 1).To4(), 40000), procAddr(net.IPv4(127, 0, 0, 2).To4(), 8080)
	line := func(n int, local, remote string, drops int) string {
		return fmt.Sprintf("%5d: %s %s 07 00000000:00000000 00:00000000 00000000  1000        0 %d 2 0000000000000000 %d\n", n, local, remote, 100+n, drops)
	}
	file := filepath.Join(t.TempDir(), "udp")
	require.NoError(t, os.WriteFile(file, []byte("   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"+
		line(1, at, none, 5)+line(2, anyAt, none, 2)+line(3, lo, at, 3)+line(4, lo, other, 7)+line(5, other, none, 11)), 0o600))
	k := newKernelDrops(target)
	k.file = file
	tgt, client, local, err := k.sockets()
	require.NoError(t, err)
	assert.True(t, local)
	assert.Equal(t, int64(5+2), tgt, "the sockets bound to the target's port")
	assert.Equal(t, int64(3), client, "the socket connected to the target")
}

// A target that runs on another machine has no socket here: its count is
// not known, and is not taken to be zero.
func TestKernelDropsOfATargetElsewhere(t *testing.T) {
	pc, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 4)})
	require.NoError(t, err)
	addr := pc.LocalAddr().(*net.UDPAddr)
	pc.Close() // nothing is bound to the port now
	k := newKernelDrops(addr)
	k.mark()
	k.finish()
	assert.Equal(t, int64(-1), k.target)
	assert.GreaterOrEqual(t, k.rcvbuf, int64(0))
}

// A run's warnings name the target's drops when known; otherwise the
// machine's, said to be any socket's.
func TestDatagramWarningsOfDrops(t *testing.T) {
	here := datagramWarnings(&results.Load{Datagram: &results.Datagram{TargetDrops: 4, RcvbufErrors: 9}})
	assert.Equal(t, []string{"target drops: the target's socket buffer overflowed, 4 datagrams dropped by the kernel"}, here)
	quiet := datagramWarnings(&results.Load{Datagram: &results.Datagram{TargetDrops: 0, RcvbufErrors: 9}})
	assert.Empty(t, quiet, "another socket's drops are no warning when the target's are known")
	elsewhere := datagramWarnings(&results.Load{Datagram: &results.Datagram{TargetDrops: -1, RcvbufErrors: 9}})
	require.Len(t, elsewhere, 1)
	assert.Contains(t, elsewhere[0], "any socket's")
}

// A socket's own drop count (SO_MEMINFO) is the one /proc/net/udp shows
// for it.
func TestSocketDropsAreProcs(t *testing.T) {
	target, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	defer target.Close()
	require.NoError(t, target.SetReadBuffer(4096))
	assert.Zero(t, socketDrops(target), "nothing sent yet")
	flood(t, target.LocalAddr(), 2000)
	k := newKernelDrops(target.LocalAddr().(*net.UDPAddr))
	proc, _, local, err := k.sockets()
	require.NoError(t, err)
	require.True(t, local)
	assert.Positive(t, socketDrops(target))
	assert.Equal(t, proc, socketDrops(target))
	target.Close()
	assert.Equal(t, int64(-1), socketDrops(target), "a closed socket has no count")
}

// A UDP room's loss is split in its warning: the members' sockets, the
// target's, the rest.
func TestChatWarningsSplitTheLoss(t *testing.T) {
	l := &results.Load{Chat: &results.Chat{Net: NetUDP, Members: 5, Joined: 5, Received: 900, Lost: 100,
		ClientDrops: 30, TargetDrops: 10}}
	w := chatWarnings(l, nil, false, time.Second)
	require.Len(t, w, 1)
	assert.Equal(t, "lost: 100 messages owed to reading members never reached them (10.00%): "+
		"30 dropped at the members' sockets (30 datagrams), 40 with messages dropped at the target's socket (10 datagrams), 30 elsewhere", w[0])
	l.Chat.ClientDrops = -1
	assert.Contains(t, chatWarnings(l, nil, false, time.Second)[0], "0 dropped at the members' sockets (count not known)")
}
