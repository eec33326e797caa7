package reactors

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/targets/conformancetest"
)

// Over UDP the room is served by as many loops as workers, each reading on
// a thread of its own from a socket of its own: 20 members' sources are
// spread over both sockets of the port (all on one: a chance of 2 in a
// million), and no third thread reads.
func TestChatDatagramLoopsShareThePort(t *testing.T) {
	t.Parallel()
	cfg := conformancetest.ChatConfig()
	cfg.Workers = 2
	srv := NewChatDatagram(cfg)
	var mu sync.Mutex
	readers := map[int]bool{}
	srv.onRead = func() {
		mu.Lock()
		readers[unix.Gettid()] = true
		mu.Unlock()
	}
	conformancetest.ChatRound(t, "udp", conformancetest.ServeDatagrams(t, srv), 20)
	mu.Lock()
	defer mu.Unlock()
	assert.Len(t, readers, 2, "the threads that read commands")
}
