package protocol

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseDatagram(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     string
		want   Datagram
		status int  // expected error status; 0 for success
		noID   bool // dropped: no id to answer to
	}{
		{name: "health", in: "1 /health",
			want: Datagram{ID: 1, Request: Request{Method: MethodGet, Endpoint: EndpointHealth}}},
		{name: "line feed at the end", in: "7 /health\n",
			want: Datagram{ID: 7, Request: Request{Method: MethodGet, Endpoint: EndpointHealth}}},
		{name: "cpu", in: "42 /cpu?us=250",
			want: Datagram{ID: 42, Request: Request{Method: MethodGet, Endpoint: EndpointCPU, CPUMicros: 250}}},
		{name: "io", in: "18446744073709551615 /io?ms=10",
			want: Datagram{ID: 18446744073709551615, Request: Request{Method: MethodGet, Endpoint: EndpointIO, WaitMillis: 10}}},
		{name: "mix", in: "0 /mix?us=3&ms=4",
			want: Datagram{ID: 0, Request: Request{Method: MethodGet, Endpoint: EndpointMix, CPUMicros: 3, WaitMillis: 4}}},
		{name: "echo size", in: "5 /echo?size=65482",
			want: Datagram{ID: 5, Request: Request{Method: MethodGet, Endpoint: EndpointEcho, Size: MaxDatagramEcho}}},
		{name: "echo body", in: "5 /echo\nhello\nworld",
			want: Datagram{ID: 5, Request: Request{Method: MethodPost, Endpoint: EndpointEcho, Body: []byte("hello\nworld")}}},
		{name: "stats", in: "9 /stats",
			want: Datagram{ID: 9, Request: Request{Method: MethodGet, Endpoint: EndpointStats}}},

		{name: "empty", in: "", noID: true},
		{name: "no digits", in: "/health", noID: true},
		{name: "letters in the id", in: "12x /health", noID: true},
		{name: "id too long", in: "123456789012345678901 /health", noID: true},
		{name: "id overflows", in: "18446744073709551616 /health", noID: true},
		{name: "space first", in: " 1 /health", noID: true},
		{name: "line feed after the id", in: "1\n/health", noID: true},
		{name: "garbage", in: "\x00\xff\x16\x03", noID: true},

		{name: "id alone", in: "12", status: 400},
		{name: "id and space", in: "12 ", status: 400},
		{name: "two spaces", in: "12  /health", status: 400},
		{name: "relative target", in: "1 health", status: 400},
		{name: "control character", in: "1 /hea\x01lth", status: 400},
		{name: "truncated parameter", in: "1 /cpu?u", status: 400},
		{name: "unknown path", in: "1 /nope", status: 404},
		{name: "absolute form", in: "1 http://h/health", status: 400},
		{name: "ms too large", in: "1 /io?ms=60001", status: 400},
		{name: "missing ms", in: "1 /io", status: 400},
		{name: "echo size beyond a datagram", in: "1 /echo?size=65483", status: 400},
		{name: "body and size", in: "1 /echo?size=3\nabc", status: 400},
		{name: "body on health", in: "1 /health\nabc", status: 400},
		{name: "too large", in: "3 /echo\n" + strings.Repeat("x", MaxDatagramRequest), status: 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var d Datagram
			err := ParseDatagram([]byte(tt.in), &d)
			switch {
			case tt.noID:
				assert.ErrorIs(t, err, ErrNoID)
			case tt.status != 0:
				var pe *Error
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, tt.status, pe.Status, pe.Reason)
				wantID, _, _ := strings.Cut(tt.in, " ")
				assert.Equal(t, wantID, strings.TrimSpace(string(AppendDatagramRequest(nil, d.ID, "", nil))), "the id to answer to")
			default:
				require.NoError(t, err)
				if len(tt.want.Body) == 0 {
					tt.want.Body = nil
					d.Body = nil
				}
				assert.Equal(t, tt.want, d)
			}
		})
	}
}

func TestDatagramRequestRoundTrip(t *testing.T) {
	t.Parallel()
	var d Datagram
	b := AppendDatagramRequest(nil, 1234567890123, "/echo", []byte("body"))
	assert.Equal(t, "1234567890123 /echo\nbody", string(b))
	require.NoError(t, ParseDatagram(b, &d))
	assert.Equal(t, uint64(1234567890123), d.ID)
	assert.Equal(t, "body", string(d.Body))
}

func TestParseDatagramAnswer(t *testing.T) {
	t.Parallel()
	var a DatagramAnswer
	b := append(AppendDatagramHead(nil, 99, 200), "ok\n"...)
	assert.Equal(t, "99 200\nok\n", string(b))
	require.NoError(t, ParseDatagramAnswer(b, &a))
	assert.Equal(t, DatagramAnswer{ID: 99, Status: 200, Body: []byte("ok\n")}, a)

	b = AppendDatagramError(nil, 3, errNoPath)
	assert.Equal(t, "3 404\nno such path\n", string(b))
	require.NoError(t, ParseDatagramAnswer(b, &a))
	assert.Equal(t, 404, a.Status)

	require.NoError(t, ParseDatagramAnswer([]byte("1 200\n"), &a))
	assert.Empty(t, a.Body)
	for _, bad := range []string{"", "1", "1 200", "1 20\n", "1 2000\n", "x 200\n", "1 099\n", "1 600\n", "1 20a\n", " 1 200\n",
		"1 200\n" + strings.Repeat("x", MaxDatagram)} {
		assert.ErrorIs(t, ParseDatagramAnswer([]byte(bad), &a), ErrMalformedAnswer, "%.20q", bad)
	}
}

// Parsing a datagram allocates nothing: a target parses one per request.
func TestParseDatagramAllocatesNothing(t *testing.T) {
	in := []byte("123 /mix?us=10&ms=5")
	var d Datagram
	allocs := testing.AllocsPerRun(100, func() {
		if err := ParseDatagram(in, &d); err != nil {
			t.Fatal(err)
		}
	})
	assert.Zero(t, allocs)
	ans := []byte("123 200\nunits=1 checksum=00000000\n")
	var a DatagramAnswer
	allocs = testing.AllocsPerRun(100, func() {
		if err := ParseDatagramAnswer(ans, &a); err != nil {
			t.Fatal(err)
		}
	})
	assert.Zero(t, allocs)
}

// BenchmarkParseDatagramAnswer is the load generator's work per answer
// datagram: a /health answer parsed.
func BenchmarkParseDatagramAnswer(b *testing.B) {
	in := append(AppendDatagramHead(nil, 12345, 200), "eventloop\n"...)
	var a DatagramAnswer
	b.ReportAllocs()
	for b.Loop() {
		if err := ParseDatagramAnswer(in, &a); err != nil {
			b.Fatal(err)
		}
	}
}
