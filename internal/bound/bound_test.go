package bound

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestThroughput(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	tests := []struct {
		name  string
		work  Work
		model Model
		load  Load
		want  float64
		limit string
		par   int
	}{
		{"loop, cpu", Work{CPU: ms}, Model{1, 1}, Load{Conns: 50, Cores: 1}, 1000, LimitCPU, 1},
		{"loop, io: one wait at a time", Work{Wait: 10 * ms}, Model{1, 1}, Load{Conns: 50, Cores: 1}, 100, LimitWait, 1},
		{"loop, mix: S+W in series", Work{CPU: ms, Wait: 9 * ms}, Model{1, 1}, Load{Conns: 50, Cores: 2}, 100, LimitWait, 1},
		{"goroutine, io: Little's law on connections", Work{Wait: 10 * ms}, Model{CPU: 2}, Load{Conns: 50, Cores: 2}, 5000, LimitConnections, 50},
		{"goroutine, cpu on 2 cores", Work{CPU: ms}, Model{CPU: 2}, Load{Conns: 50, Cores: 2}, 2000, LimitCPU, 50},
		{"goroutine, cpu pinned to 1 core", Work{CPU: ms}, Model{CPU: 2}, Load{Conns: 50, Cores: 1}, 1000, LimitCPU, 50},
		{"eventloop, cpu serial however many cores", Work{CPU: ms}, Model{CPU: 1}, Load{Conns: 50, Cores: 2}, 1000, LimitCPU, 50},
		{"threadpool, io: 64 waits at once", Work{Wait: 10 * ms}, Model{64, 2}, Load{Conns: 100, Cores: 2}, 6400, LimitWait, 64},
		{"few connections cap the cpu", Work{CPU: ms}, Model{CPU: 4}, Load{Conns: 1, Cores: 4}, 1000, LimitCPU, 1},
		{"open loop below the bound", Work{Wait: 10 * ms}, Model{}, Load{Conns: 50, Cores: 2, Rate: 300}, 300, LimitRate, 50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := Throughput(tt.work, tt.model, tt.load)
			require.NotNil(t, b)
			assert.InDelta(t, tt.want, b.Throughput, 1e-6)
			assert.Equal(t, tt.limit, b.Limit)
			assert.Equal(t, tt.par, b.Parallelism)
		})
	}
	assert.Nil(t, Throughput(Work{}, Model{}, Load{Conns: 1}), "free work has no bound")
}

// The textbook's efficiency test: ten jobs fired at once.
func TestBatch(t *testing.T) {
	t.Parallel()
	cpu, io := Work{CPU: 100 * time.Millisecond}, Work{Wait: 300 * time.Millisecond}
	tests := []struct {
		name  string
		work  Work
		model Model
		cores int
		want  float64
		limit string
	}{
		{"loop, cpu: sequential", cpu, Model{1, 1}, 2, 1.0, LimitCPU},
		{"loop, io: sequential", io, Model{1, 1}, 2, 3.0, LimitWait},
		{"goroutine-1, cpu: one core", cpu, Model{CPU: 1}, 2, 1.0, LimitCPU},
		{"goroutine-1, io: all waits overlap", io, Model{CPU: 1}, 2, 0.3, LimitConnections},
		{"process, cpu: two cores", cpu, Model{Slots: 512}, 2, 0.5, LimitCPU},
		{"prefork 2 workers, io: five rounds", io, Model{2, 2}, 2, 1.5, LimitWait},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := Batch(tt.work, tt.model, tt.cores, 10)
			require.NotNil(t, b)
			assert.InDelta(t, tt.want, b.Makespan, 1e-9)
			assert.InDelta(t, 10/tt.want, b.Throughput, 1e-6)
			assert.Equal(t, tt.limit, b.Limit)
		})
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                 string
		bound                Work
		throughput, makespan float64
		eff                  float64
		flagged              bool
	}{
		{"below", Work{CPU: time.Millisecond}, 800, 0, 0.8, false},
		{"within tolerance", Work{CPU: time.Millisecond}, 1040, 0, 1.04, false},
		{"above: a measurement error", Work{CPU: time.Millisecond}, 1100, 0, 1.1, true},
	}
	for _, tt := range tests {
		b := Throughput(tt.bound, Model{1, 1}, Load{Conns: 1, Cores: 1})
		warn := Check(b, tt.throughput, tt.makespan)
		assert.InDelta(t, tt.eff, b.Efficiency, 1e-9, tt.name)
		assert.Equal(t, tt.flagged, warn != "", tt.name)
	}
	b := Batch(Work{CPU: 100 * time.Millisecond}, Model{1, 1}, 1, 10)
	assert.Contains(t, Check(b, 0, 0.5), "measurement error", "a batch faster than physics")
	assert.Empty(t, Check(nil, 1, 0))
}
