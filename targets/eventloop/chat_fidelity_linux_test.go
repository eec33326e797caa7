package eventloop

import (
	"bufio"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

// chatRound logs members in over network, each says something, and each
// reads what the others said.
func chatRound(t *testing.T, network, addr string, members int) {
	var conns []net.Conn
	var readers []*bufio.Reader
	for i := range members {
		c, err := net.DialTimeout(network, addr, conformancetest.Timeout)
		require.NoError(t, err)
		defer c.Close()
		require.NoError(t, c.SetDeadline(time.Now().Add(conformancetest.Timeout)))
		r := bufio.NewReader(c)
		fmt.Fprintf(c, "L m%d\n", i)
		line, err := r.ReadString('\n')
		require.NoError(t, err)
		require.Equal(t, fmt.Sprintf("OK m%d\n", i), line)
		conns, readers = append(conns, c), append(readers, r)
	}
	for i, c := range conns {
		fmt.Fprintf(c, "C m%d hi\n", i)
	}
	for i, r := range readers {
		for range members - 1 {
			line, err := r.ReadString('\n')
			require.NoError(t, err, "member %d", i)
			require.Contains(t, line, " hi\n")
		}
	}
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
			chatRound(t, network, addr, 10)
			seen.mu.Lock()
			defer seen.mu.Unlock()
			assert.Len(t, seen.set, 1, "the threads that read commands")
		})
	}
}
