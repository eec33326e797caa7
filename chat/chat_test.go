package chat

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	t.Parallel()
	long := "C a " + strings.Repeat("x", MaxLine)
	for _, tc := range []struct {
		name, line string
		want       Command
		err        error
	}{
		{name: "login", line: "L alice\n", want: Command{Verb: Login, Name: []byte("alice")}},
		{name: "login CRLF", line: "L alice\r\n", want: Command{Verb: Login, Name: []byte("alice")}},
		{name: "login no LF", line: "L a.b_c-9", want: Command{Verb: Login, Name: []byte("a.b_c-9")}},
		{name: "login bad name", line: "L al ice\n", err: ErrName},
		{name: "login no name", line: "L\n", err: ErrName},
		{name: "login long name", line: "L " + strings.Repeat("n", MaxName+1), err: ErrName},
		{name: "login longest name", line: "L " + strings.Repeat("n", MaxName), want: Command{Verb: Login, Name: []byte(strings.Repeat("n", MaxName))}},
		{name: "say", line: "C alice hello there\n", want: Command{Verb: Say, Name: []byte("alice"), Text: []byte("hello there")}},
		{name: "say empty", line: "C alice \n", want: Command{Verb: Say, Name: []byte("alice"), Text: []byte{}}},
		{name: "say no text", line: "C alice\n", want: Command{Verb: Say, Name: []byte("alice")}},
		{name: "say NUL", line: "C alice a\x00b\n", err: ErrText},
		{name: "say CR", line: "C alice a\rb\n", err: ErrText},
		{name: "say nothing", line: "C\n", err: ErrUnknown},
		{name: "quit", line: "Q alice", want: Command{Verb: Quit, Name: []byte("alice")}},
		{name: "ping", line: "P alice\n", want: Command{Verb: Ping, Name: []byte("alice")}},
		{name: "ping bare", line: "P\n", want: Command{Verb: Ping}},
		{name: "admin", line: "A tok hi all\n", want: Command{Verb: Admin, Name: []byte("tok"), Text: []byte("hi all")}},
		{name: "stats", line: "S\n", want: Command{Verb: Stats}},
		{name: "stats with args", line: "S x\n", err: ErrUnknown},
		{name: "empty", line: "\n", err: ErrUnknown},
		{name: "unknown", line: "X alice\n", err: ErrUnknown},
		{name: "lower case", line: "l alice\n", err: ErrUnknown},
		{name: "verb glued", line: "Lalice\n", err: ErrUnknown},
		{name: "longest", line: "C a " + strings.Repeat("x", MaxLine-5) + "\n", want: Command{Verb: Say, Name: []byte("a"), Text: []byte(strings.Repeat("x", MaxLine-5))}},
		{name: "long", line: long, err: ErrLong},
		{name: "long without LF", line: long[:MaxLine], err: ErrLong},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse([]byte(tc.line))
			require.ErrorIs(t, err, tc.err)
			if tc.err == nil {
				assert.Equal(t, tc.want.Verb, c.Verb)
				assert.Equal(t, string(tc.want.Name), string(c.Name))
				assert.Equal(t, string(tc.want.Text), string(c.Text))
			}
		})
	}
}

func TestReplies(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		line string
		want Reply
	}{
		{"M alice hi there\n", Reply{Kind: KindMessage, Name: []byte("alice"), Text: []byte("hi there")}},
		{"B hello\n", Reply{Kind: KindBroadcast, Text: []byte("hello")}},
		{"OK bob\n", Reply{Kind: KindOK, Name: []byte("bob")}},
		{"OK\n", Reply{Kind: KindOK}},
		{"ERR taken bob\n", Reply{Kind: KindErr, Name: []byte("taken"), Text: []byte("bob")}},
		{"ERR long\n", Reply{Kind: KindErr, Name: []byte("long")}},
		{"BYE bob\n", Reply{Kind: KindBye, Name: []byte("bob")}},
		{"PONG\n", Reply{Kind: KindPong}},
	} {
		r, err := ParseReply([]byte(tc.line))
		require.NoError(t, err, tc.line)
		assert.Equal(t, tc.want.Kind, r.Kind, tc.line)
		assert.Equal(t, string(tc.want.Name), string(r.Name), tc.line)
		assert.Equal(t, string(tc.want.Text), string(r.Text), tc.line)
	}
	for _, bad := range []string{"", "X\n", "M\n", "M bad/name hi\n", "ERR\n", "PONG x\n"} {
		_, err := ParseReply([]byte(bad))
		assert.ErrorIs(t, err, ErrReply, "%q", bad)
	}
	c := Counters{Members: 3, Messages: 4, Deliveries: 8, Dropped: 1, Kicked: 2}
	line := AppendStats(nil, c)
	assert.Equal(t, "STATS members=3 messages=4 deliveries=8 dropped=1 kicked=2\n", string(line))
	r, err := ParseReply(line)
	require.NoError(t, err)
	got, err := ParseStats(r.Text)
	require.NoError(t, err)
	assert.Equal(t, c, got)
	_, err = ParseStats([]byte("members=1"))
	assert.ErrorIs(t, err, ErrReply)
}

func TestAppendCommandRoundTrip(t *testing.T) {
	t.Parallel()
	for _, c := range []Command{
		{Verb: Login, Name: []byte("a")}, {Verb: Say, Name: []byte("a"), Text: []byte("t x")},
		{Verb: Quit, Name: []byte("a")}, {Verb: Ping}, {Verb: Admin, Name: []byte("k"), Text: []byte("b")}, {Verb: Stats},
	} {
		got, err := Parse(AppendCommand(nil, c))
		require.NoError(t, err)
		assert.Equal(t, c.Verb, got.Verb)
		assert.Equal(t, string(c.Name), string(got.Name))
		assert.Equal(t, string(c.Text), string(got.Text))
	}
}

// split feeds Lines the stream in pieces of size n and returns what it got:
// each line, or "LONG".
func split(stream string, n int) []string {
	var s Lines
	var got []string
	for in := []byte(stream); len(in) > 0; {
		k := min(n, len(in))
		piece := in[:k]
		in = in[k:]
		for {
			line, rest, err, ok := s.Next(piece)
			if !ok {
				break
			}
			if err != nil {
				got = append(got, "LONG")
			} else {
				got = append(got, string(line))
			}
			piece = rest
		}
	}
	return got
}

func TestLines(t *testing.T) {
	t.Parallel()
	longest := strings.Repeat("x", MaxLine-1) + "\n"
	long := strings.Repeat("y", MaxLine) + "\n"
	stream := "L a\nC a hi\r\n" + long + "S\n" + longest + strings.Repeat("z", 3*MaxLine) + "\nP\n"
	want := []string{"L a\n", "C a hi\r\n", "LONG", "S\n", longest, "LONG", "P\n"}
	for _, n := range []int{1, 2, 7, 100, MaxLine, 4 * MaxLine, len(stream)} {
		assert.Equal(t, want, split(stream, n), "pieces of %d", n)
	}
	var s Lines
	_, _, _, ok := s.Next([]byte("L ab"))
	assert.False(t, ok)
	assert.True(t, s.Pending())
}

func TestOutboxBound(t *testing.T) {
	t.Parallel()
	woke := 0
	o := NewOutbox(10, 0, func() { woke++ })
	assert.Equal(t, Sent, o.Put([]byte("12345")))
	assert.Equal(t, Sent, o.Put([]byte("12345")))
	assert.Equal(t, 1, woke, "notified once, when it stopped being empty")
	assert.Equal(t, Dropped, o.Put([]byte("1")), "the first drop starts the clock")
	assert.Equal(t, Kick, o.Put([]byte("1")), "full past the bound")
	got := o.Take(nil)
	assert.Equal(t, "1234512345", string(got))
	assert.Equal(t, Sent, o.Put([]byte("1")), "taking made room and reset the clock")
	assert.Equal(t, 2, woke)
	o.Close()
	assert.Equal(t, Dropped, o.Put([]byte("1")))
	assert.Nil(t, o.Take(nil))
	assert.True(t, bytes.Equal(got, []byte("1234512345")))
}

// Parsing any line the server sends allocates nothing: the load
// generator parses every delivery with it.
func TestParseReplyAllocs(t *testing.T) {
	for _, line := range []string{"M ab.1 12 345 xx\n", "B hi\n", "OK ab\n", "ERR taken ab\n", "BYE ab\n", "PONG\n",
		"STATS members=1 messages=2 deliveries=3 dropped=4 kicked=5\n"} {
		b := []byte(line)
		assert.Zero(t, testing.AllocsPerRun(100, func() {
			if _, err := ParseReply(b); err != nil {
				t.Fatal(err)
			}
		}), line)
	}
}
