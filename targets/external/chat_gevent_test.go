package external_test

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/external"
)

// The gevent chat peer passes the chat conformance suite every Go model
// that serves chat over TCP passes, with the same room settings (admin
// token, outbox bound, kick bound), each check on a fresh peer.
func TestChatGeventPeerConforms(t *testing.T) {
	t.Parallel()
	p := chatTCPPeer(t, "python-chat-gevent")
	if err := p.Available(); err != nil {
		t.Skipf("skip %s: %v", p.Name, err)
	}
	o := conformancetest.ChatOptions()
	conformancetest.RunChatAt(t, func(t *testing.T) (string, string) {
		tgt := start(t, p, "--chat-admin", o.AdminToken,
			"--chat-outbox", strconv.Itoa(o.OutboxBytes), "--chat-kick", o.KickAfter.String())
		require.Equal(t, p.Name, tgt.Ready.Model)
		require.Equal(t, "tcp", tgt.Ready.Net)
		return tgt.Ready.Net, tgt.Ready.Addr
	}, nil)
}

// chatTCPPeer is the TCP chat peer called name.
func chatTCPPeer(t *testing.T, name string) external.Peer {
	for _, p := range external.ChatTCPPeers() {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no chat peer %s", name)
	return external.Peer{}
}
