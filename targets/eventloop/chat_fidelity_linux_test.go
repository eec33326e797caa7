package eventloop

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/targets/conformancetest"
)

// tids records the threads that read members' commands.
type tids struct {
	mu  sync.Mutex
	set map[int]bool
}

func (r *tids) saw() {
	r.mu.Lock()
	r.set[unix.Gettid()] = true
	r.mu.Unlock()
}

// One thread serves every member: the loop's.
func TestChatOnOneThread(t *testing.T) {
	for _, network := range []string{"tcp", "udp"} {
		t.Run(network, func(t *testing.T) {
			seen := &tids{set: map[int]bool{}}
			var addr string
			if network == "tcp" {
				srv := NewChat(conformancetest.ChatConfig())
				srv.onRead = seen.saw
				addr = conformancetest.Serve(t, srv)
			} else {
				srv := NewChatDatagram(conformancetest.ChatConfig())
				srv.onRead = seen.saw
				addr = conformancetest.ServeDatagrams(t, srv)
			}
			conformancetest.ChatRound(t, network, addr, 10)
			seen.mu.Lock()
			defer seen.mu.Unlock()
			assert.Len(t, seen.set, 1, "the threads that read commands")
		})
	}
}
