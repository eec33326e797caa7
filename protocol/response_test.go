package protocol

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestResponseRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		close  bool
		body   string
	}{
		{"ok", 200, false, "hello"},
		{"empty body", 200, false, ""},
		{"close", 200, true, "bye"},
		{"not found", 404, true, "no such path\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := AppendResponse(nil, tt.status, tt.close, []byte(tt.body))
			var resp Response
			n, err := ParseResponse(b, &resp)
			require.NoError(t, err)
			assert.Equal(t, len(b), n)
			assert.Equal(t, tt.status, resp.Status)
			assert.Equal(t, tt.close, resp.Close)
			assert.Equal(t, tt.body, string(resp.Body))
			for cut := range len(b) {
				n, err := ParseResponse(b[:cut], &resp)
				require.NoError(t, err)
				require.Zero(t, n, "prefix of %d bytes", cut)
			}
		})
	}
}

func TestAppendError(t *testing.T) {
	t.Parallel()
	b := AppendError(nil, errf(413, "too big"))
	assert.Equal(t, "HTTP/1.1 413 Content Too Large\r\nServer: corobench\r\nContent-Type: text/plain\r\nContent-Length: 8\r\nConnection: close\r\n\r\ntoo big\n", string(b))
	b = AppendError(nil, errors.New("plain"))
	assert.Contains(t, string(b), "HTTP/1.1 400 Bad Request\r\n")
}

func TestParseResponseMalformed(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n",                      // bad status
		"SMTP 220 hello\r\nContent-Length: 0\r\n\r\n",                       // not HTTP
		"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",                     // bad length
		"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", // conflict
		"HTTP/1.1 200 OK\r\nno colon\r\nContent-Length: 0\r\n\r\n",          // bad header
	} {
		var resp Response
		_, err := ParseResponse([]byte(in), &resp)
		assert.ErrorIs(t, err, ErrMalformedResponse, "%q", in)
	}
}

func TestCPUBody(t *testing.T) {
	t.Parallel()
	b := AppendCPUBody(nil, 123456, 0xbeef)
	assert.Equal(t, "units=123456 checksum=0000beef\n", string(b))
	units, sum, ok := ParseCPUBody(b)
	require.True(t, ok)
	assert.Equal(t, uint64(123456), units)
	assert.Equal(t, uint32(0xbeef), sum)
	for _, bad := range []string{"", "units=1", "units=x checksum=00000000\n", "units=1 checksum=zz\n"} {
		_, _, ok := ParseCPUBody([]byte(bad))
		assert.False(t, ok, "%q", bad)
	}
	for _, units := range []uint64{0, 9, 10, 99, 100, 123456, 1<<64 - 1} {
		for _, sum := range []uint32{0, 0xf, 0xdeadbeef, 1<<32 - 1} {
			b := AppendCPUBody(nil, units, sum)
			assert.Len(t, b, CPUBodyLen(units), "%q", b)
			u, s, ok := ParseCPUBody(b)
			assert.True(t, ok && u == units && s == sum, "%q", b)
		}
	}
}
