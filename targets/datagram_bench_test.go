package targets_test

import (
	"testing"

	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
)

// BenchmarkAnswerDatagram is a datagram model's work per request once it
// has read it: parse, do the work, answer.
func BenchmarkAnswerDatagram(b *testing.B) {
	app := targets.NewApp("bench", 500)
	for _, target := range []string{"/health", "/echo?size=512", "/cpu?n=1"} {
		b.Run(target, func(b *testing.B) {
			in := protocol.AppendDatagramRequest(nil, 7, target, nil)
			out := make([]byte, 0, protocol.MaxDatagram)
			var d targets.Datagram
			b.ReportAllocs()
			for b.Loop() {
				if !app.ReadDatagram(in, &d) {
					b.Fatal("dropped")
				}
				out = app.AnswerDatagram(out[:0], &d)
			}
		})
	}
}
