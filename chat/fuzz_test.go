package chat

import (
	"bytes"
	"testing"
)

// FuzzParse checks that Parse takes any line without panicking, that what
// it accepts fits the protocol's bounds, and that a command it accepts
// reads back the same once formatted again.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"L alice\n", "C alice hi\r\n", "Q alice", "P\n", "A tok hi\n", "S\n", "X\n", "", "C a \x00\n", "L " + string(bytes.Repeat([]byte("n"), 40))} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		c, err := Parse(line)
		if err != nil {
			if Reason(err) == "" {
				t.Fatalf("no reason for %v", err)
			}
			return
		}
		if len(line) > MaxLine {
			t.Fatalf("accepted %d bytes", len(line))
		}
		if c.Verb == Login && !ValidName(c.Name) {
			t.Fatalf("login with bad name %q", c.Name)
		}
		if !ValidText(c.Text) || !ValidText(c.Name) {
			t.Fatalf("bad text accepted: %q", line)
		}
		again, err := Parse(AppendCommand(nil, c))
		if err != nil && err != ErrLong {
			t.Fatalf("formatted %q does not parse: %v", AppendCommand(nil, c), err)
		}
		if err == nil && (again.Verb != c.Verb || !bytes.Equal(again.Name, c.Name) || !bytes.Equal(again.Text, c.Text)) {
			t.Fatalf("%q read back as %+v, was %+v", line, again, c)
		}
	})
}

// FuzzParseReply checks that ParseReply takes any line without panicking.
func FuzzParseReply(f *testing.F) {
	for _, s := range []string{"M alice hi\n", "B x\n", "OK a\n", "ERR taken a\n", "BYE a\n", "PONG\n", "STATS members=1 messages=2 deliveries=3 dropped=4 kicked=5\n", "M\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		r, err := ParseReply(line)
		if err == nil && r.Kind == KindStats {
			ParseStats(r.Text)
		}
	})
}
