package scenarios

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseAppliesDefaults(t *testing.T) {
	t.Parallel()
	s, err := Parse("s.yaml", []byte("name: s\ntargets: [loop]\nrequests:\n  - path: /health\n"))
	require.NoError(t, err)
	assert.Equal(t, DefaultConnections, s.Load.Connections)
	assert.Equal(t, Duration(DefaultDuration), s.Load.Duration)
	assert.Equal(t, 1, s.Repetitions)
	assert.Equal(t, Request{Method: "GET", Path: "/health", Weight: 1}, s.Requests[0])
}

func TestParseErrorsNameFileLineAndKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{
			name: "unknown key",
			in:   "name: s\ntargets: [loop]\nlod: {}\n",
			want: []string{"s.yaml", "line 3", "lod"},
		},
		{
			name: "bad duration",
			in:   "name: s\ntargets: [loop]\nload:\n  duration: soon\nrequests: [{path: /health}]\n",
			want: []string{"s.yaml", "line 4", `"soon" is not a duration`},
		},
		{
			name: "every problem at once",
			in:   "targets: []\nload:\n  connections: -1\nrequests:\n  - path: /health\n  - path: nope\n    method: PUT\npin: {target: x}\n",
			want: []string{
				"s.yaml:1: name: is required",
				"s.yaml:1: targets: name at least one target",
				"s.yaml:3: load.connections: must be at least 1",
				"s.yaml:6: requests.1.path: must start with /",
				`s.yaml:7: requests.1.method: must be GET or POST, not "PUT"`,
				"s.yaml:8: pin.target",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("s.yaml", []byte(tt.in))
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

// The scenario files shipped in this directory all load.
func TestShippedScenariosLoad(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		s, err := LoadFile(f)
		require.NoError(t, err, f)
		assert.NotEmpty(t, s.Description, "%s says what it shows", f)
		assert.LessOrEqual(t, time.Duration(s.Load.Duration), time.Minute, f)
	}
}
