package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/loadgen"
)

func TestChatURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		raw, addr, network, err string
	}{
		{raw: "chat://127.0.0.1:8080", addr: "127.0.0.1:8080", network: loadgen.NetTCP},
		{raw: "chat+udp://127.0.0.1:9/", addr: "127.0.0.1:9", network: loadgen.NetUDP},
		{raw: "chat://127.0.0.1", err: "needs its port"},
		{raw: "chat://127.0.0.1:8080/room", err: "want a URL such as"},
	} {
		u, network, err := loadURL(tc.raw)
		if tc.err != "" {
			assert.ErrorContains(t, err, tc.err, tc.raw)
			continue
		}
		require.NoError(t, err, tc.raw)
		assert.True(t, u.chat, tc.raw)
		assert.Equal(t, tc.addr, u.addr, tc.raw)
		assert.Equal(t, tc.network, network, tc.raw)
	}
}

func TestChatLoadFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"-r", "/health", "chat://127.0.0.1:1"},
		{"-R", "100", "chat://127.0.0.1:1"},
	} {
		var out, errOut bytes.Buffer
		err := loadCmd(context.Background(), args, &out, &errOut)
		assert.ErrorIs(t, err, errUsage, "%v", args)
	}
	err := loadCmd(context.Background(), []string{"-q", "-members", "1", "chat://127.0.0.1:1"}, &bytes.Buffer{}, &bytes.Buffer{})
	assert.ErrorContains(t, err, "members: must be from 2")
}
