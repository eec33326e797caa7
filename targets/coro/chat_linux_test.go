package coro

import (
	"sync"
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

func TestChatDatagrams(t *testing.T) {
	conformancetest.RunChat(t, func() any { return NewChatDatagram(conformancetest.ChatConfig()) })
}

// Every datagram is read by the reader coroutine, and every line sent by a
// member's sender coroutine, on the loop's one thread.
func TestChatDatagramsOnOneThread(t *testing.T) {
	const members = 10
	var mu sync.Mutex
	threads := map[int]bool{}
	var reads, sends, offLoop int
	saw := func(count *int) func(int, []byte) {
		return func(loopTID int, _ []byte) {
			mu.Lock()
			defer mu.Unlock()
			tid := unix.Gettid()
			threads[tid] = true
			*count++
			if tid != loopTID {
				offLoop++
			}
		}
	}
	srv := NewChatDatagram(conformancetest.ChatConfig())
	srv.onRead, srv.onSend = saw(&reads), saw(&sends)
	conformancetest.ChatRound(t, "udp", conformancetest.ServeDatagrams(t, srv), members)
	mu.Lock()
	defer mu.Unlock()
	assert.GreaterOrEqual(t, reads, 2*members, "datagrams read")
	assert.GreaterOrEqual(t, sends, members*(members-1), "lines sent by the members' senders")
	assert.Len(t, threads, 1, "the threads that read and sent")
	assert.Zero(t, offLoop, "reads and sends made off the loop's thread")
}
