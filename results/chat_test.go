package results

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A chat run's deliveries are its requests: compare and the gates read
// deliveries/s, delivery p99 and the target's CPU per delivery.
func TestChatMetrics(t *testing.T) {
	t.Parallel()
	h := NewHistogram()
	h.Record(3 * time.Millisecond)
	r := &Run{Load: &Load{Mode: ModeChat, Elapsed: 2, Requests: 1000, Latency: h, ClientUser: 0.01,
		Chat: &Chat{Joined: 10, Received: 990, Lost: 10, BasePSS: 1 << 20}},
		Resources: &Resources{User: 0.02, PeakPSS: 2 << 20}}
	m, _ := LookupMetric(MetricThroughput)
	v, ok := m.Value(r)
	assert.True(t, ok)
	assert.InDelta(t, 500, v, 1e-9, "deliveries/s")
	m, _ = LookupMetric(MetricP99)
	v, ok = m.Value(r)
	assert.True(t, ok)
	assert.InDelta(t, 0.003, v, 1e-5)
	m, _ = LookupMetric(MetricCPU)
	v, _ = m.Value(r)
	assert.InDelta(t, 20e-6, v, 1e-12, "target CPU per delivery")
	assert.InDelta(t, 0.01, r.Load.Chat.LossShare(), 1e-12)
	assert.InDelta(t, float64(1<<20)/10, r.Load.Chat.MemoryPerMember(r.Resources), 1e-9)
	assert.InDelta(t, 10.0, r.Load.ClientCPUPerDelivery(), 1e-9, "µs")
	assert.Zero(t, (*Chat)(nil).MemoryPerMember(r.Resources))
	s := (&ChatServer{Messages: 50, Deliveries: 450, Dropped: 5, Members: 10}).Since(&ChatServer{Messages: 10, Deliveries: 90, Dropped: 1, Members: 3})
	assert.Equal(t, ChatServer{Members: 10, Messages: 40, Deliveries: 360, Dropped: 4}, *s)
}

// Two load generators' members of one room merge into one room: what the
// members counted adds up, the latency histograms merge, and what both
// read from the same target (its counters, its socket's drops, its base
// memory) is counted once.
func TestMergeChat(t *testing.T) {
	t.Parallel()
	agent := func(members, slow int, rate float64, deliveries int64, lat time.Duration, clientDrops int64) *Load {
		h := NewHistogram()
		for range deliveries {
			h.Record(lat)
		}
		return &Load{Mode: ModeChat, Conns: members, Elapsed: 2, Requests: deliveries, Latency: h,
			Rate: rate * float64(members-slow),
			Chat: &Chat{Net: "udp", Members: members, Joined: members, Slow: slow, Rate: rate, Size: 64,
				Sent: 100, Received: deliveries, Lost: 40, Duplicated: 1, Strays: map[string]int64{"foreign": 3},
				ClientDrops: clientDrops, TargetDrops: 2, BasePSS: 8 << 20,
				Server: &ChatServer{Members: 20, Messages: 200, Deliveries: 1900, Dropped: 5}}}
	}
	a, b := agent(10, 0, 10, 900, time.Millisecond, 10), agent(10, 2, 20, 1000, 20*time.Millisecond, 5)
	b.Chat.TargetDrops, b.Chat.Server.Dropped = 3, 4
	m, err := MergeLoads(a, b)
	require.NoError(t, err)
	c := m.Chat
	require.NotNil(t, c)
	assert.Equal(t, int64(1900), m.Requests)
	assert.Equal(t, int64(1900), m.Latency.TotalCount(), "histograms merged")
	assert.Equal(t, 20*time.Millisecond, m.Latency.Quantile(0.99).Round(time.Millisecond))
	assert.InDelta(t, 260, m.Rate, 1e-9, "messages a second owed by both rooms' readers")
	assert.Equal(t, "udp", c.Net)
	assert.Equal(t, 20, c.Members)
	assert.Equal(t, 20, c.Joined)
	assert.Equal(t, 2, c.Slow)
	assert.InDelta(t, (10*10+20*8)/18.0, c.Rate, 1e-9, "the rate averaged over the reading members")
	assert.Equal(t, int64(200), c.Sent)
	assert.Equal(t, int64(1900), c.Received)
	assert.Equal(t, int64(80), c.Lost)
	assert.Equal(t, int64(2), c.Duplicated)
	assert.Equal(t, map[string]int64{"foreign": 6}, c.Strays)
	assert.Equal(t, int64(15), c.ClientDrops, "each client's own sockets")
	assert.Equal(t, int64(3), c.TargetDrops, "one target socket, seen by both")
	assert.Equal(t, int64(8<<20), c.BasePSS)
	assert.Equal(t, ChatServer{Members: 20, Messages: 200, Deliveries: 1900, Dropped: 5}, *c.Server, "one room's counters")
	assert.Equal(t, int64(10), a.Chat.ClientDrops, "the inputs are left as they were")
	assert.Equal(t, int64(5), a.Chat.Server.Dropped)

	b.Chat.ClientDrops = -1
	m, err = MergeLoads(a, b)
	require.NoError(t, err)
	assert.Equal(t, int64(-1), m.Chat.ClientDrops, "one client's count unknown")

	b.Chat.Net = "tcp"
	_, err = MergeLoads(a, b)
	assert.ErrorContains(t, err, "cannot merge a chat room over tcp")
	_, err = MergeLoads(a, &Load{Mode: ModeChat})
	assert.ErrorContains(t, err, "cannot merge a chat room")
}

// The loss of a UDP room splits into the client's sockets, the target's,
// and the rest; a count not known leaves its share in the rest.
func TestChatLossSplit(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name                 string
		chat                 Chat
		client, target, rest int64
	}{
		{name: "all three", chat: Chat{Members: 10, Slow: 1, Lost: 100, ClientDrops: 20, TargetDrops: 5},
			client: 20, target: 40, rest: 40},
		{name: "target capped by what is left", chat: Chat{Members: 10, Lost: 30, ClientDrops: 20, TargetDrops: 5},
			client: 20, target: 10},
		{name: "client capped by the loss", chat: Chat{Members: 10, Lost: 30, ClientDrops: 50}, client: 30},
		{name: "not known", chat: Chat{Members: 10, Lost: 30, ClientDrops: -1, TargetDrops: -1}, rest: 30},
		{name: "tcp", chat: Chat{Members: 10, Lost: 7}, rest: 7},
	} {
		client, target, rest := tc.chat.LossSplit()
		assert.Equal(t, [3]int64{tc.client, tc.target, tc.rest}, [3]int64{client, target, rest}, tc.name)
	}
	c, tg, r := (*Chat)(nil).LossSplit()
	assert.Zero(t, c+tg+r)
}
