package reports

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/corobench/corobench/results"
)

// The kernel's line gives the target socket's drops when they are known,
// and says plainly when only the machine's count is.
func TestDatagramSummaryKernelLine(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		d    results.Datagram
		want string
	}{
		{"target here", results.Datagram{TargetDrops: 3, ClientDrops: 1, RcvbufErrors: 9},
			"kernel     dropped 3 at the target's socket, 1 at the client's; 9 on the machine (RcvbufErrors)"},
		{"target elsewhere", results.Datagram{TargetDrops: -1, ClientDrops: 0, RcvbufErrors: 9},
			"kernel     target's socket not on this machine; dropped 0 at the client's; 9 on the machine (RcvbufErrors, any socket's)"},
		{"nothing known", results.Datagram{TargetDrops: -1, ClientDrops: -1, RcvbufErrors: -1}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			datagramSummary(&b, &results.Load{Conns: 1}, &tt.d)
			if tt.want == "" {
				assert.NotContains(t, b.String(), "kernel")
				return
			}
			assert.Contains(t, b.String(), tt.want)
		})
	}
}
