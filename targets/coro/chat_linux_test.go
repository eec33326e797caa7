package coro

import (
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/targets/conformancetest"
)

func TestChat(t *testing.T) {
	conformancetest.RunChat(t, func() any { return NewChat(conformancetest.ChatConfig()) })
}

// Every member's commands are read on the loop's one thread, by its
// coroutine.
func TestChatOnOneThread(t *testing.T) {
	const members = 10
	var reads, offLoop atomic.Int64
	srv := NewChat(conformancetest.ChatConfig())
	srv.onRead = func(loopTID int, b []byte) {
		reads.Add(1)
		if unix.Gettid() != loopTID {
			offLoop.Add(1)
		}
	}
	conformancetest.ChatRound(t, "tcp", conformancetest.Serve(t, srv), members)
	assert.GreaterOrEqual(t, reads.Load(), int64(2*members), "reads seen")
	assert.Zero(t, offLoop.Load(), "reads made off the loop's thread")
}
