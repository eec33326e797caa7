package results

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Datagram records of clients that loaded one target at once add up.
func TestMergeDatagramLoads(t *testing.T) {
	t.Parallel()
	a := &Load{Mode: ModeClosed, Conns: 2, Requests: 10, Errors: map[string]int64{"lost": 1},
		Datagram: &Datagram{Window: 1, Sockets: 2, Sent: 11, Served: 2, Strays: map[string]int64{"late": 1}, TargetDrops: 3, ClientDrops: 1, RcvbufErrors: 4}}
	b := &Load{Mode: ModeClosed, Conns: 3, Requests: 20,
		Datagram: &Datagram{Window: 2, Sockets: 1, Sent: 20, Served: 2, Strays: map[string]int64{"late": 2, "foreign": 1}, TargetDrops: 5, ClientDrops: 0, RcvbufErrors: 4}}
	m, err := MergeLoads(a, b)
	require.NoError(t, err)
	assert.Equal(t, &Datagram{Window: 2, Sockets: 3, Sent: 31, Served: 4, Strays: map[string]int64{"late": 3, "foreign": 1},
		TargetDrops: 5, ClientDrops: 1, RcvbufErrors: 4}, m.Datagram)
	assert.Equal(t, int64(4), m.Datagram.StrayCount())
	assert.Equal(t, map[string]int64{"late": 1}, a.Datagram.Strays, "the inputs are not changed")

	_, err = MergeLoads(a, &Load{Mode: ModeClosed})
	assert.Error(t, err, "datagrams and TCP do not merge")
}
