package loadgen_test

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/loadgen"
	"github.com/corobench/corobench/results"
)

// runChat runs a short chat load against addr.
func runChat(t *testing.T, network, addr string, c loadgen.Chat, opts ...loadgen.Option) *results.Load {
	t.Helper()
	if c.Join == 0 {
		c.Join = 50 * time.Millisecond
	}
	if c.Grace == 0 {
		c.Grace = 200 * time.Millisecond
	}
	opts = append([]loadgen.Option{loadgen.WithNet(network), loadgen.WithChat(c),
		loadgen.WithDuration(400 * time.Millisecond), loadgen.WithWarmup(50 * time.Millisecond),
		loadgen.WithTimeout(2 * time.Second)}, opts...)
	l, err := loadgen.Run(context.Background(), addr, opts...)
	require.NoError(t, err)
	require.NotNil(t, l.Chat)
	return l
}

func TestChatRoom(t *testing.T) {
	for _, network := range []string{loadgen.NetTCP, loadgen.NetUDP} {
		t.Run(network, func(t *testing.T) {
			t.Parallel()
			room := &fakeRoom{}
			addr := startFakeRoom(t, network, room)
			l := runChat(t, network, addr, loadgen.Chat{Members: 5, Rate: 50, Size: 100})
			c := l.Chat
			t.Logf("deliveries %d sent %d received %d p50 %s p99 %s server %+v warnings %q", l.Requests, c.Sent, c.Received, l.Latency.Quantile(0.5), l.Latency.Quantile(0.99), c.Server, l.Warnings)
			assert.Equal(t, results.ModeChat, l.Mode)
			assert.Equal(t, 5, c.Joined)
			assert.Equal(t, network, c.Net)
			assert.Positive(t, c.Sent)
			assert.Positive(t, l.Requests, "deliveries in the window")
			assert.GreaterOrEqual(t, c.Received, l.Requests)
			assert.LessOrEqual(t, l.Requests, 4*c.Sent, "each message reaches the 4 others at most")
			assert.Zero(t, c.Lost)
			assert.Zero(t, c.Duplicated)
			assert.Zero(t, c.OutOfOrder)
			assert.Empty(t, c.Strays)
			assert.Empty(t, l.Errors)
			assert.Equal(t, int64(l.Requests), l.Latency.TotalCount())
			if assert.NotNil(t, c.Server) {
				assert.Positive(t, c.Server.Deliveries)
			}
			assert.InDelta(t, 5*50.0, l.Rate, 1e-9)
			if network == loadgen.NetUDP && runtime.GOOS == "linux" {
				assert.GreaterOrEqual(t, c.ClientDrops, int64(0), "the members' sockets' drops are known")
				assert.GreaterOrEqual(t, c.TargetDrops, int64(0), "and the room's socket's")
			} else if network == loadgen.NetTCP {
				assert.Zero(t, c.ClientDrops+c.TargetDrops, "no datagrams")
			}
		})
	}
}

// A room that drops deliveries: the members find every one they were owed.
func TestChatRoomLoses(t *testing.T) {
	for _, network := range []string{loadgen.NetTCP, loadgen.NetUDP} {
		t.Run(network, func(t *testing.T) {
			t.Parallel()
			room := &fakeRoom{dropEvery: 5}
			addr := startFakeRoom(t, network, room)
			l := runChat(t, network, addr, loadgen.Chat{Members: 4, Rate: 50})
			assert.Positive(t, l.Chat.Lost)
			room.mu.Lock()
			defer room.mu.Unlock()
			assert.LessOrEqual(t, l.Chat.Lost, room.dropped, "only what the room dropped")
			assert.Contains(t, l.Warnings[len(l.Warnings)-1]+joinWarnings(l), "lost")
		})
	}
}

func joinWarnings(l *results.Load) string {
	s := ""
	for _, w := range l.Warnings {
		s += w + "\n"
	}
	return s
}

// Slow members never read: the others are owed everything and get it.
func TestChatSlowMembers(t *testing.T) {
	t.Parallel()
	room := &fakeRoom{}
	addr := startFakeRoom(t, loadgen.NetTCP, room)
	l := runChat(t, loadgen.NetTCP, addr, loadgen.Chat{Members: 6, Rate: 50, Size: 900, Slow: 0.34})
	assert.Equal(t, 2, l.Chat.Slow)
	assert.Equal(t, 6, l.Chat.Joined)
	assert.Zero(t, l.Chat.Lost)
	assert.Positive(t, l.Requests)
	assert.InDelta(t, 4*50.0, l.Rate, 1e-9, "the slow ones do not send")
}

// Members leave and come back: what they were owed while in, they get.
func TestChatChurn(t *testing.T) {
	for _, network := range []string{loadgen.NetTCP, loadgen.NetUDP} {
		t.Run(network, func(t *testing.T) {
			t.Parallel()
			room := &fakeRoom{}
			addr := startFakeRoom(t, network, room)
			l := runChat(t, network, addr, loadgen.Chat{Members: 4, Rate: 50, Churn: 10, Grace: 50 * time.Millisecond})
			t.Logf("rejoins %d deliveries %d warnings %q", l.Chat.Rejoins, l.Requests, l.Warnings)
			assert.Positive(t, l.Chat.Rejoins)
			assert.Zero(t, l.Chat.Lost)
			assert.Empty(t, l.Errors)
		})
	}
}

// A room that lies (echoes, invents, sends strangers' and garbage lines)
// is counted, not believed.
func TestChatLyingRoom(t *testing.T) {
	t.Parallel()
	room := &fakeRoom{echo: true, lie: true}
	addr := startFakeRoom(t, loadgen.NetTCP, room)
	l := runChat(t, loadgen.NetTCP, addr, loadgen.Chat{Members: 3, Rate: 50})
	s := l.Chat.Strays
	assert.Positive(t, s["echo"])
	assert.Positive(t, s["invented"])
	assert.Positive(t, s["foreign"])
	assert.Positive(t, s["unexpected"])
	assert.Zero(t, l.Chat.Lost)
	assert.Contains(t, joinWarnings(l), "strays")
}

// A room that never answers: no member joins, and the run ends on time.
func TestChatSilentRoom(t *testing.T) {
	for _, network := range []string{loadgen.NetTCP, loadgen.NetUDP} {
		t.Run(network, func(t *testing.T) {
			t.Parallel()
			addr := startFakeRoom(t, network, &fakeRoom{silent: true})
			start := time.Now()
			l := runChat(t, network, addr, loadgen.Chat{Members: 3, Rate: 10}, loadgen.WithTimeout(300*time.Millisecond))
			assert.Zero(t, l.Chat.Joined)
			assert.Equal(t, int64(3), l.Errors[loadgen.ErrTimeout])
			assert.Less(t, time.Since(start), 10*time.Second, "bounded by the run's times")
			assert.Contains(t, joinWarnings(l), "joined: 0 of 3")
		})
	}
}

func TestChatValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		chat loadgen.Chat
		opts []loadgen.Option
		want string
	}{
		{"one member", loadgen.Chat{Members: 1}, nil, "members: must be from 2"},
		{"too many", loadgen.Chat{Members: loadgen.MaxChatMembers + 1}, nil, "members: must be from 2"},
		{"rate", loadgen.Chat{Rate: -1}, nil, "rate: must be above 0"},
		{"small", loadgen.Chat{Size: 3}, nil, "size: must be from"},
		{"large", loadgen.Chat{Size: 2000}, nil, "size: must be from"},
		{"slow", loadgen.Chat{Slow: 0.9}, nil, "slow: the share"},
		{"readers", loadgen.Chat{Members: 3, Slow: 0.5}, nil, "at least 2 reading members"},
		{"churn", loadgen.Chat{Churn: -1}, nil, "churn"},
		{"paced", loadgen.Chat{}, []loadgen.Option{loadgen.WithRate(loadgen.ConstantRate(10))}, "paces itself"},
		{"pipelined", loadgen.Chat{}, []loadgen.Option{loadgen.WithPipeline(2)}, "no pipelining"},
	} {
		opts := append([]loadgen.Option{loadgen.WithChat(tc.chat)}, tc.opts...)
		_, err := loadgen.Run(context.Background(), "127.0.0.1:1", opts...)
		assert.ErrorContains(t, err, tc.want, tc.name)
	}
}

// A chat run's progress counts deliveries, and says how many a second the
// room owes its readers.
func TestChatProgress(t *testing.T) {
	t.Parallel()
	addr := startFakeRoom(t, loadgen.NetTCP, &fakeRoom{})
	var (
		mu  sync.Mutex
		got []loadgen.Progress
	)
	l := runChat(t, loadgen.NetTCP, addr, loadgen.Chat{Members: 6, Rate: 50, Slow: 0.2},
		loadgen.WithProgress(func(pr loadgen.Progress) { mu.Lock(); got = append(got, pr); mu.Unlock() }))
	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, got, "the last report at least")
	var deliveries int64
	for _, pr := range got {
		assert.InDelta(t, 50*5*4.0, pr.Owed, 1e-9, "5 readers, each owed the 4 others' 50 a second")
		deliveries += pr.Requests
	}
	assert.Equal(t, l.Requests, deliveries)
}
