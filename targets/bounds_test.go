package targets_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// script is a connection whose client sent in and reads whatever comes:
// it records each write, and each yield with the writes made before it.
type script struct {
	in     *strings.Reader
	writes []int
	yields []int // len(writes) at each Yield
}

func (s *script) Read(p []byte) (int, error) { return s.in.Read(p) }

func (s *script) Write(p []byte) (int, error) {
	s.writes = append(s.writes, len(p))
	return len(p), nil
}

// yielding is a script on an event loop: it can give the others a turn.
type yielding struct{ *script }

func (y yielding) Yield() { y.yields = append(y.yields, len(y.writes)) }

func pipeline(path string, n int) string {
	return strings.Repeat("GET "+path+" HTTP/1.1\r\nHost: t\r\n\r\n", n)
}

// Answers go out whenever the unsent output reaches the window, so a client
// that pipelines requests for large answers holds at most one answer past
// it in the server.
func TestServeConnSendsAtTheOutputWindow(t *testing.T) {
	t.Parallel()
	const size = 100 << 10
	c := &script{in: strings.NewReader(pipeline("/echo?size=102400", 40))}
	require.NoError(t, targets.NewApp("test", 500).ServeConn(context.Background(), c, time.Sleep))
	total := 0
	for _, w := range c.writes {
		assert.Less(t, w, targets.OutputWindow+size+200, "one write holds at most the window and one answer")
		total += w
	}
	assert.Greater(t, total, 40*size, "every answer is sent")
	assert.GreaterOrEqual(t, len(c.writes), 40*size/(targets.OutputWindow+size+200))
}

// On a connection that can yield, the server gives the others a turn after
// TurnRequests requests in a row, sending what it answered first; a
// connection that cannot yield (a thread's, a goroutine's) still sends its
// answers at the end of each turn.
func TestServeConnYieldsAfterATurn(t *testing.T) {
	t.Parallel()
	const n = 5*targets.TurnRequests + 3
	y := yielding{&script{in: strings.NewReader(pipeline("/health", n))}}
	require.NoError(t, targets.NewApp("test", 500).ServeConn(context.Background(), y, time.Sleep))
	// A turn may also end by time (TurnTime), on a slow machine.
	assert.GreaterOrEqual(t, len(y.yields), n/targets.TurnRequests, "a yield after each full turn")
	for i, w := range y.yields {
		assert.Equal(t, i+1, w, "the turn's answers are sent before yield %d", i)
	}
	plain := &script{in: strings.NewReader(pipeline("/health", n))}
	require.NoError(t, targets.NewApp("test", 500).ServeConn(context.Background(), plain, time.Sleep))
	assert.GreaterOrEqual(t, len(plain.writes), n/targets.TurnRequests+1, "a write per turn")
}

// A turn counts the requests answered in a row, whether or not their
// answers filled the output window on the way: a pipeline of answers that
// fill it every few requests yields after TurnRequests all the same, and
// not only after TurnTime.
func TestServeConnTurnCountsAcrossTheOutputWindow(t *testing.T) {
	t.Parallel()
	const size = 8 << 10 // the window holds 8 of these answers
	const n = 5*targets.TurnRequests + 3
	y := yielding{&script{in: strings.NewReader(pipeline("/echo?size="+strconv.Itoa(size), n))}}
	require.NoError(t, targets.NewApp("test", 500).ServeConn(context.Background(), y, time.Sleep))
	assert.GreaterOrEqual(t, len(y.yields), n/targets.TurnRequests, "a yield after each full turn")
	sent, last := 0, 0
	for i, w := range y.writes {
		sent += w
		for _, at := range y.yields {
			if at == i+1 {
				assert.LessOrEqual(t, sent-last, targets.TurnRequests*(size+200), "at most a turn's answers between two yields")
				last = sent
			}
		}
	}
}

// A turn also ends after TurnTime of work, whatever the count: a pipeline
// of long CPU requests yields after each. Each asks ten turns' time at the
// test's rate, so that it takes a whole turn on a machine up to ten times
// faster than that rate says.
func TestServeConnYieldsAfterTurnTime(t *testing.T) {
	t.Parallel()
	us := 10 * targets.TurnTime.Microseconds()
	y := yielding{&script{in: strings.NewReader(pipeline("/cpu?us="+strconv.FormatInt(us, 10), 4))}}
	require.NoError(t, targets.NewApp("test", 500).ServeConn(context.Background(), y, time.Sleep))
	assert.Len(t, y.yields, 3, "a yield between each two of the 4 requests")
}

// AfterGrace ends grace after its parent, and cancel releases it at once.
func TestAfterGrace(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	late, release := targets.AfterGrace(ctx, 50*time.Millisecond)
	defer release()
	assert.NoError(t, late.Err(), "before the parent ends")
	start := time.Now()
	cancel()
	<-late.Done()
	assert.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond, "a grace after the parent ended")

	late2, release2 := targets.AfterGrace(context.Background(), time.Hour)
	release2()
	assert.Error(t, late2.Err(), "released")
}

// Pipelined POSTs of the largest body allowed, sent in one go, are all
// answered: the read buffer grown for the first holds the next one behind
// it, whatever its offset.
func TestServeConnAnswersPipelinedLargestPosts(t *testing.T) {
	t.Parallel()
	body := strings.Repeat("x", protocol.MaxBodyBytes)
	post := "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
	for _, lead := range []string{"", pipeline("/health", 1), "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3000\r\n\r\n" + strings.Repeat("y", 3000)} {
		c := &script{in: strings.NewReader(lead + strings.Repeat(post, 3))}
		require.NoError(t, targets.NewApp("test", 500).ServeConn(context.Background(), c, time.Sleep), "after %.20q", lead)
		total := 0
		for _, w := range c.writes {
			total += w
		}
		assert.Greater(t, total, 3*protocol.MaxBodyBytes, "every large POST answered, after %.20q", lead)
	}
}
