package targets_test

import (
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
)

// serveOne serves one end of a pipe with app and returns the other end and
// a channel with ServeConn's result.
func serveOne(t *testing.T, app *targets.App) (net.Conn, <-chan error) {
	server, client := net.Pipe()
	done := make(chan error, 1)
	go func() {
		defer server.Close()
		done <- app.ServeConn(context.Background(), server, time.Sleep)
	}()
	t.Cleanup(func() { client.Close() })
	return client, done
}

func testApp() *targets.App {
	app := targets.NewApp("test", 500)
	app.IdleTimeout = 50 * time.Millisecond
	app.RequestTimeout = 50 * time.Millisecond
	return app
}

func TestServeConnClosesIdleConnection(t *testing.T) {
	t.Parallel()
	client, done := serveOne(t, testApp())
	require.NoError(t, <-done, "idle timeout closes quietly")
	_, err := client.Read(make([]byte, 1))
	assert.ErrorIs(t, err, io.EOF)
}

// A client that sends part of a request and stalls (slowloris) is answered
// 408 and cut off.
func TestServeConnAnswersSlowRequest408(t *testing.T) {
	t.Parallel()
	client, done := serveOne(t, testApp())
	_, err := io.WriteString(client, "GET /health HTTP/1.1\r\nHo")
	require.NoError(t, err)
	resp, err := io.ReadAll(client)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(resp), "HTTP/1.1 408 "), "%q", resp)
	var pe *protocol.Error
	assert.ErrorAs(t, <-done, &pe)
}

// The idle timeout runs between requests, not across them, and a request
// gets the request timeout from its first byte.
func TestReadDeadline(t *testing.T) {
	t.Parallel()
	app := targets.NewApp("test", 500)
	now := time.Date(2026, 1, 1, 0, 0, 10, 0, time.UTC)
	started := now.Add(-3 * time.Second)
	tests := []struct {
		name     string
		buffered bool
		want     time.Time
	}{
		{name: "idle between requests", buffered: false, want: now.Add(targets.DefaultIdleTimeout)},
		{name: "part of a request buffered", buffered: true, want: started.Add(targets.DefaultRequestTimeout)},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, app.ReadDeadline(now, started, tt.buffered), tt.name)
	}
}
