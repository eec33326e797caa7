package results

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
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
