package eventloop

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/chat"
	"github.com/corobench/corobench/targets/conformancetest"
)

// Datagrams the socket refuses are dropped: a refused delivery is taken
// back from the deliveries, a refused answer (which never was one) is
// not.
func TestChatRefusedSendsCounted(t *testing.T) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_NONBLOCK, 0)
	require.NoError(t, err)
	defer unix.Close(fd)
	// Every send on a socket shut for writing fails (EPIPE); a UDP socket
	// must be connected to be shut.
	require.NoError(t, unix.Connect(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}, Port: 9}))
	require.NoError(t, unix.Shutdown(fd, unix.SHUT_WR))
	room := chat.NewRoom(conformancetest.ChatOptions())
	l := newChatDatagrams(room, fd)
	serve := func(port uint16, line string) {
		room.HandleDatagram(netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), port), []byte(line), l)
		l.flush()
	}
	serve(1, "L a\n") // OK a: an answer, refused
	serve(2, "L b\n")
	serve(3, "L c\n")
	serve(1, "C a hi\n") // two deliveries, refused
	serve(2, "P\n")      // PONG: an answer, refused
	c := room.Counters()
	assert.Equal(t, uint64(3), c.Members)
	assert.Equal(t, uint64(0), c.Deliveries, "deliveries, none sent")
	assert.Equal(t, uint64(6), c.Dropped, "four answers and two deliveries refused")
}
