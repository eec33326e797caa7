package eventloop

import (
	"testing"

	"go.uber.org/goleak"
)

// No test leaves a goroutine behind: every connection's goroutine, loop and
// coroutine ends with the server.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
