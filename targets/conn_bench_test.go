package targets_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/corobench/corobench/targets"
)

// loopback is a connection whose client sent in and discards the answers.
type loopback struct{ in *strings.Reader }

func (l *loopback) Read(p []byte) (int, error)  { return l.in.Read(p) }
func (l *loopback) Write(p []byte) (int, error) { return len(p), nil }

var _ io.ReadWriter = (*loopback)(nil)

// BenchmarkServeConn is the shared request path of the blocking models and
// goroutines: parse, answer and send pipelined requests, per request.
func BenchmarkServeConn(b *testing.B) {
	const per = 64
	app := targets.NewApp("bench", 500)
	for _, target := range []string{"/health", "/echo?size=512", "/cpu?n=1"} {
		b.Run(target, func(b *testing.B) {
			in := strings.Repeat("GET "+target+" HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n", per)
			c := &loopback{}
			b.ReportAllocs()
			for b.Loop() {
				c.in = strings.NewReader(in)
				if err := app.ServeConn(context.Background(), c, time.Sleep); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*per), "ns/req")
		})
	}
}
