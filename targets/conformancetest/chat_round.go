package conformancetest

import (
	"bufio"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// ChatRound logs members in to the chat server at addr over network, has
// each say something, and reads at each member what the others said: the
// traffic a model's fidelity test watches.
func ChatRound(t *testing.T, network, addr string, members int) {
	t.Helper()
	var conns []net.Conn
	var readers []*bufio.Reader
	for i := range members {
		c, err := net.DialTimeout(network, addr, Timeout)
		require.NoError(t, err)
		defer c.Close()
		require.NoError(t, c.SetDeadline(time.Now().Add(Timeout)))
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
