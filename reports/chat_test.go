package reports

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/results"
)

// chatRun is one repetition of a chat room: deliveries over 2 s, each
// delivered in about p50.
func chatRun(target string, rep int, deliveries int64, p50 time.Duration, lost int64, dropped int64) results.Run {
	h := results.NewHistogram()
	for i := range deliveries {
		h.Record(p50 + time.Duration(i%10)*p50/10)
	}
	return results.Run{Target: target, Rep: rep,
		Load: &results.Load{Mode: results.ModeChat, Conns: 50, Elapsed: 2, Requests: deliveries, Latency: h,
			ClientUser: 0.2, ClientSys: 0.1,
			Chat: &results.Chat{Net: "tcp", Members: 50, Joined: 50, Slow: 3, Rate: 10, Size: 64, Sent: 940,
				Received: deliveries + 1000, Lost: lost, BasePSS: 10 << 20,
				Server: &results.ChatServer{Messages: 940, Deliveries: deliveries, Dropped: dropped}}},
		Resources:     &results.Resources{User: 0.5, Sys: 0.5, PeakPSS: 15 << 20, Samples: 10},
		CPUPerRequest: 1e6 / float64(deliveries)}
}

func TestChatSection(t *testing.T) {
	t.Parallel()
	f := &results.File{Version: results.Version, Models: []string{"eventloop", "goroutine"},
		Scenarios: []results.Scenario{{Name: "chat-slow-member", Kind: results.KindThroughput, Runs: []results.Run{
			chatRun("eventloop", 1, 40000, 2*time.Millisecond, 0, 300),
			chatRun("goroutine", 1, 44000, time.Millisecond, 12, 280),
			chatRun("eventloop", 2, 41000, 2*time.Millisecond, 0, 310),
			chatRun("goroutine", 2, 43000, time.Millisecond, 0, 290),
		}}}}
	var b bytes.Buffer
	require.NoError(t, Markdown(&b, f))
	md := b.String()
	assert.Contains(t, md, "chat room over tcp, 50 members (3 never reading) at 10.0 messages/s each, 64-byte messages")
	assert.Contains(t, md, "| model | deliveries/s (median) | delivery p50 | delivery p99 | lost | lost at client / target sockets / elsewhere | dropped by the room |")
	i := strings.Index(md, "| eventloop | 20,250 ±1.2% | 2.80 ms |")
	require.GreaterOrEqual(t, i, 0, md)
	row := md[i : i+strings.Index(md[i:], "\n")]
	assert.Contains(t, row, "| 0 | – | 610 | 0 |", "lost, dropped and disconnected over both repetitions")
	assert.Contains(t, row, "| 102 KiB |", "memory per member: 5 MiB over 50 members")
	assert.Contains(t, md, "| goroutine | 21,")
	assert.Contains(t, md, "`goroutine` delivers the most, 21,750 messages/s")
	assert.Contains(t, md, "| 12 (0.0%) | – | 570 |", "a loss, with its share")
	var titles []string
	for _, c := range Charts(f) {
		titles = append(titles, c.Title)
	}
	assert.Contains(t, titles, "delivery latency percentile spectrum per model (send to read, per recipient)")
}

// Over UDP the loss is split between the members' sockets, the target's
// socket and the rest, added up over the repetitions.
func TestChatSectionSplitsUDPLoss(t *testing.T) {
	t.Parallel()
	udp := func(rep int) results.Run {
		r := chatRun("loop-udp", rep, 30000, 3*time.Millisecond, 500, 0)
		c := r.Load.Chat
		c.Net, c.ClientDrops, c.TargetDrops = "udp", 100, 2 // 2 messages, each lost to 46 other readers
		return r
	}
	f := &results.File{Version: results.Version, Models: []string{"loop"},
		Scenarios: []results.Scenario{{Name: "chat-udp", Kind: results.KindThroughput, Runs: []results.Run{udp(1), udp(2)}}}}
	var b bytes.Buffer
	require.NoError(t, Markdown(&b, f))
	assert.Contains(t, b.String(), "| 1,000 (1.6%) | 200 / 184 / 616 |")

	var s bytes.Buffer
	r := udp(1)
	require.NoError(t, LoadSummary(&s, "loop-udp", r.Load))
	assert.Contains(t, s.String(), "lost at    the members' sockets 100 (100 dropped), the target's socket 92 (2 dropped), elsewhere 308")
}

// A scenario that puts rooms over TCP beside rooms over UDP says both in
// its heading, not the first run's transport alone.
func TestChatHeadingNamesEveryTransport(t *testing.T) {
	t.Parallel()
	tcp := chatRun("eventloop", 1, 30000, 3*time.Millisecond, 500, 0)
	udp := chatRun("loop-udp", 1, 30000, 3*time.Millisecond, 500, 0)
	udp.Load.Chat.Net = "udp"
	f := &results.File{Version: results.Version, Models: []string{"eventloop", "loop"},
		Scenarios: []results.Scenario{{Name: "chat-udp", Kind: results.KindThroughput, Runs: []results.Run{udp, tcp}}}}
	var b bytes.Buffer
	require.NoError(t, Markdown(&b, f))
	assert.Contains(t, b.String(), "chat room over tcp and udp, 50 members")
}
