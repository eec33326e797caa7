package harness

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/loadgen"
	"github.com/corobench/corobench/results"
)

func TestParseChatScenario(t *testing.T) {
	t.Parallel()
	s, err := Parse("c.yaml", []byte(`name: c
targets:
  - goroutine
  - {name: goroutine-udp, model: goroutine, net: udp}
load:
  mode: chat
  duration: 2s
  chat: {members: 40, rate: 5, slow: 0.05}
`))
	require.NoError(t, err)
	c := s.Load.Chat
	require.NotNil(t, c)
	assert.Equal(t, ChatLoad{Members: 40, Rate: 5, Size: loadgen.DefaultChatSize, Slow: 0.05,
		Join: Duration(loadgen.DefaultChatJoin), Grace: Duration(loadgen.DefaultChatGrace)}, *c)
	for _, tg := range s.Targets {
		assert.Equal(t, ServiceChat, tg.Service, tg.Name)
	}
	assert.Equal(t, results.KindThroughput, s.Kind())
	assert.Equal(t, startCost+time.Second+time.Second+2*time.Second+time.Second, s.Estimate(), "joins, warm-up, duration, grace")
}

func TestParseChatErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in, want string
	}{
		{"members", "name: c\ntargets: [goroutine]\nload:\n  mode: chat\n  chat:\n    members: 1\n",
			"c.yaml:6: load.chat.members: must be from 2 to"},
		{"unknown key", "name: c\ntargets: [goroutine]\nload:\n  mode: chat\n  chat:\n    memberz: 10\n",
			"c.yaml:6: load.chat.memberz: unknown key; the keys here are members, rate, size, slow, churn, join, grace"},
		{"slow", "name: c\ntargets: [goroutine]\nload:\n  mode: chat\n  chat: {members: 3, slow: 0.5}\n",
			"c.yaml:5: load.chat.slow: a room needs at least 2 reading members"},
		{"requests", "name: c\ntargets: [goroutine]\nload: {mode: chat}\nrequests: [{path: /health}]\n",
			"c.yaml:4: requests: a chat load sends messages"},
		{"rate", "name: c\ntargets: [goroutine]\nload: {mode: chat, rate: 10}\n",
			"load.rate: applies to mode open only"},
		{"chat elsewhere", "name: c\ntargets: [goroutine]\nload: {chat: {members: 3}}\nrequests: [{path: /health}]\n",
			"c.yaml:3: load.chat: applies to mode chat only (this is closed)"},
		{"http target", "name: c\ntargets: [{name: goroutine, service: http}]\nload: {mode: chat}\n",
			"c.yaml:2: targets.0.service: a chat load needs a target that serves chat"},
		{"chat target", "name: c\ntargets: [{name: goroutine, service: chat}]\nrequests: [{path: /health}]\n",
			"targets.0.service: a target that serves chat takes a chat load"},
		{"service", "name: c\ntargets: [{name: goroutine, service: smtp}]\nrequests: [{path: /health}]\n",
			`targets.0.service: must be http or chat, not "smtp"`},
	} {
		_, err := Parse("c.yaml", []byte(tc.in))
		assert.ErrorContains(t, err, tc.want, tc.name)
	}
}
