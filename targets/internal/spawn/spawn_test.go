package spawn_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/internal/spawn"
)

// A child gets the parent's work rate and timeouts exactly.
func TestArgsRoundTrip(t *testing.T) {
	t.Parallel()
	app := targets.NewApp("process", 123.456789)
	app.IdleTimeout, app.RequestTimeout = 1500*time.Millisecond, 7*time.Second
	for _, role := range []spawn.Role{spawn.Conn, spawn.Worker} {
		got, err := spawn.Parse(spawn.Args(role, app))
		require.NoError(t, err)
		assert.Equal(t, role, got.Role)
		assert.Equal(t, app, got.App)
	}
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	tests := map[string][]string{
		"no role":      nil,
		"unknown role": {"nope", "-cpu-rate", "1"},
		"no rate":      {"conn", "-model", "x"},
		"bad flag":     {"conn", "-cpu-rate", "1", "-nope"},
	}
	for name, args := range tests {
		_, err := spawn.Parse(args)
		assert.Error(t, err, name)
	}
}

func TestStartWithoutSelf(t *testing.T) {
	t.Parallel()
	var g spawn.Group
	err := g.Start(nil, spawn.Conn, targets.NewApp("x", 1), nil, spawn.Options{})
	assert.ErrorIs(t, err, spawn.ErrNoSelf)
}
