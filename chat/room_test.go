package chat

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// record is a Link that records what it is sent, and can refuse.
type record struct {
	got    []string
	refuse Delivery
	closed int
}

func (r *record) Send(_ *Peer, line []byte) Delivery {
	if r.refuse != Sent {
		return r.refuse
	}
	r.got = append(r.got, string(line))
	return Sent
}

func (r *record) Close(*Peer) { r.closed++ }

func peer(room *Room, name string) (*Peer, *record) {
	rec := &record{}
	p := &Peer{Link: rec}
	room.Handle(p, []byte("L "+name+"\n"))
	return p, rec
}

func TestRoomKicksOnceAndCounts(t *testing.T) {
	t.Parallel()
	room := NewRoom(Options{})
	a, _ := peer(room, "a")
	_, slow := peer(room, "slow")
	slow.refuse = Kick
	room.Handle(a, []byte("C a one\n"))
	room.Handle(a, []byte("C a two\n"))
	assert.Equal(t, 1, slow.closed, "closed once")
	c := room.Counters()
	assert.Equal(t, Counters{Members: 1, Messages: 2, Dropped: 1, Kicked: 1}, c)
	_, again := peer(room, "slow")
	assert.Equal(t, []string{"OK slow\n"}, again.got, "the name is free again")
}

func TestRoomFull(t *testing.T) {
	t.Parallel()
	room := NewRoom(Options{MaxMembers: 1})
	peer(room, "a")
	_, b := peer(room, "b")
	assert.Equal(t, []string{"ERR full\n"}, b.got)
}

func TestRoomExpiresSilentDatagramMembers(t *testing.T) {
	t.Parallel()
	room := NewRoom(Options{IdleTimeout: time.Minute})
	rec := &record{}
	from := netip.MustParseAddrPort("127.0.0.1:9")
	room.HandleDatagram(from, []byte("L a\n"), rec)
	require.NotNil(t, room.PeerAt(from))
	assert.Zero(t, room.Expire(time.Now()), "not silent yet")
	assert.Equal(t, 1, room.Expire(time.Now().Add(2*time.Minute)))
	assert.Nil(t, room.PeerAt(from))
	assert.Equal(t, 1, rec.closed)
	room.HandleDatagram(from, []byte("C a hi\n"), rec)
	assert.Equal(t, "ERR login\n", rec.got[len(rec.got)-1], "a forgotten member must log in again")
}

// A line the socket refused is dropped; a delivery refused is no longer
// a delivery, and an answer refused never was one.
func TestRoomUnsent(t *testing.T) {
	t.Parallel()
	room := NewRoom(Options{AdminToken: "k"})
	a, _ := peer(room, "a")
	peer(room, "b")
	peer(room, "c")
	room.Handle(a, []byte("C a hi\n"))
	room.Handle(a, []byte("A k all\n"))
	room.Unsent([]byte("M a hi\n"))
	room.Unsent([]byte("B all\n"))
	for _, answer := range []string{"PONG\n", "OK a\n", "OK\n", "ERR login\n", "BYE a\n", "STATS members=3\n"} {
		room.Unsent([]byte(answer))
	}
	c := room.Counters()
	assert.Equal(t, uint64(3), c.Deliveries) // 2 + 3 handed, 2 refused
	assert.Equal(t, uint64(8), c.Dropped)
}

func TestRoomAnswersInOrder(t *testing.T) {
	t.Parallel()
	room := NewRoom(Options{AdminToken: "k"})
	a, ra := peer(room, "a")
	b, rb := peer(room, "b")
	room.Handle(b, []byte("C b x\n"))
	room.Handle(a, []byte("A k all\n"))
	room.Handle(a, []byte("A bad all\n"))
	room.Refuse(a, ErrLong)
	room.Handle(a, []byte("Q a\n"))
	room.Handle(b, []byte("Q a\n"))
	assert.Equal(t, "OK a\n|M b x\n|B all\n|OK\n|ERR admin\n|ERR long\n|BYE a\n", strings.Join(ra.got, "|"))
	assert.Equal(t, "OK b\n|B all\n|ERR login\n", strings.Join(rb.got, "|"))
}

// A datagram's answer and fan-out go through the link it came in on, not
// through the links its members logged in with: any socket on the port
// reaches every member.
func TestDatagramSendsThroughItsLink(t *testing.T) {
	t.Parallel()
	room := NewRoom(Options{})
	at := func(port uint16) netip.AddrPort {
		return netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), port)
	}
	one, two := &record{}, &record{}
	room.HandleDatagram(at(1), []byte("L a\n"), one)
	room.HandleDatagram(at(2), []byte("L b\n"), two)
	room.HandleDatagram(at(2), []byte("C b hi\n"), two)
	room.HandleDatagram(at(1), []byte("C a yo\n"), two)
	assert.Equal(t, []string{"OK a\n"}, one.got)
	assert.Equal(t, []string{"OK b\n", "M b hi\n", "M a yo\n"}, two.got)
	assert.Equal(t, uint64(2), room.Counters().Deliveries)
}
