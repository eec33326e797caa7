package external_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/harness"
	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/external"
)

// root is the repository's root, seen from this package's directory.
const root = "../.."

// startupTimeout bounds a peer's start: interpreter, imports, calibration.
const startupTimeout = 30 * time.Second

// installed returns the peers this machine can run, and skips the test when
// there are none.
func installed(t *testing.T) []external.Peer {
	t.Helper()
	var peers []external.Peer
	for _, p := range external.Peers() {
		if err := p.Available(); err != nil {
			t.Logf("skip %s: %v", p.Name, err)
			continue
		}
		peers = append(peers, p)
	}
	if len(peers) == 0 {
		t.Skip("no peer is installed; run make peers")
	}
	return peers
}

// start runs p on a free port, as the harness would, and stops it when the
// test ends, checking that SIGTERM makes it exit cleanly.
func start(t *testing.T, p external.Peer, args ...string) *harness.Target {
	t.Helper()
	argv := append(p.Command(root, "0"), args...)
	tgt, err := harness.Start(context.Background(), argv, startupTimeout)
	require.NoError(t, err)
	t.Cleanup(func() {
		assert.NoError(t, tgt.Stop(harness.DefaultStopTimeout), "%s on SIGTERM", p.Name)
	})
	return tgt
}

// Every installed peer passes the conformance suite every Go model passes.
func TestPeersConform(t *testing.T) {
	t.Parallel()
	for _, p := range installed(t) {
		t.Run(p.Name, func(t *testing.T) {
			t.Parallel()
			tgt := start(t, p)
			assert.Equal(t, p.Name, tgt.Ready.Model)
			conformancetest.Run(t, tgt.Ready.Addr, p.Name)
		})
	}
}

func TestCommand(t *testing.T) {
	t.Parallel()
	p := external.Peer{Argv: []string{"/usr/bin/python3", "python/x.py", "--port", "{port}"}}
	assert.Equal(t, []string{"/usr/bin/python3", "/r/targets/external/python/x.py", "--port", "8080"},
		p.Command("/r", "8080"))
}

func TestAvailableSaysWhy(t *testing.T) {
	t.Parallel()
	p := external.Peer{Name: "nothing", Check: []string{"/nonexistent/interpreter"}, Package: "nothing-pkg"}
	err := p.Available()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nothing not installed")
	assert.Contains(t, err.Error(), "nothing-pkg")
	assert.NotContains(t, err.Error(), "\n")
}
