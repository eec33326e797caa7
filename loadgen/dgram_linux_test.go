package loadgen

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/protocol"
)

// The datagram engine's hot path (an answer received, parsed, matched,
// checked and recorded, the next request sent) allocates nothing.
func TestDatagramHotPathAllocatesNothing(t *testing.T) {
	peer, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	defer peer.Close()
	cfg := defaults()
	cfg.requests = []Request{{Method: "GET", Path: "/cpu?us=10", Weight: 1}}
	cfg.dgram.net = NetUDP
	cfg.conns = 1
	dr, err := newDrun(peer.LocalAddr().String(), &cfg)
	require.NoError(t, err)
	dr.rec = newRecorder(1, time.Now().Add(-time.Second), time.Hour, false)
	l, err := newDloop(dr, dr.rec.shard(0))
	require.NoError(t, err)
	defer l.close()
	l.ctx, l.threads, l.clients = context.Background(), 1, dr.clients
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	require.NoError(t, err)
	sa, _ := udpSockaddr(dr)
	require.NoError(t, unix.Connect(fd, sa))
	s := &dsock{fd: fd, clients: dr.clients}
	s.out = newMsgsFor(s, dr.window)
	l.socks = []*dsock{s}

	body := protocol.AppendCPUBody(nil, 1000, dr.sums.get(1000))
	buf := make([]byte, 1024)
	answer := make([]byte, 0, 1024)
	l.now = time.Now()
	l.begin()
	l.flush()
	round := func() {
		n, from, err := peer.ReadFromUDPAddrPort(buf)
		if err != nil {
			t.Fatal(err)
		}
		var d protocol.Datagram
		if err := protocol.ParseDatagram(buf[:n], &d); err != nil {
			t.Fatal(err)
		}
		answer = append(protocol.AppendDatagramHead(answer[:0], d.ID, 200), body...)
		if _, err := peer.WriteToUDPAddrPort(answer, from); err != nil {
			t.Fatal(err)
		}
		for {
			l.now = time.Now()
			before := dr.rec.shards[0].requests
			l.recv(s)
			if dr.rec.shards[0].requests > before {
				break
			}
		}
		l.flush()
	}
	round()
	allocs := testing.AllocsPerRun(1000, round)
	assert.Zero(t, allocs)
	assert.Positive(t, dr.rec.shards[0].requests)
	assert.Empty(t, dr.rec.shards[0].errors)
}
