package chat

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
)

// Kind is the kind of a line the server sends: its first word.
type Kind string

// The server's lines.
const (
	KindMessage   Kind = "M"     // M sender text: a member's message
	KindBroadcast Kind = "B"     // B text: an admin broadcast
	KindOK        Kind = "OK"    // OK name (login) or OK (broadcast sent)
	KindErr       Kind = "ERR"   // ERR reason [name]
	KindBye       Kind = "BYE"   // BYE name
	KindPong      Kind = "PONG"  // PONG
	KindStats     Kind = "STATS" // STATS members=N ...
)

// Reply is a parsed server line. For a message, Name is the sender and Text
// the message; for a broadcast, Text; for OK and BYE, Name; for ERR, Name
// is the reason and Text what follows it (the taken name); for STATS, Text
// is the counters (ParseStats reads them). Name and Text alias the line.
type Reply struct {
	Kind Kind
	Name []byte
	Text []byte
}

// ErrReply is the error of a line that is not one the server sends.
var ErrReply = errors.New("chat: not a server line")

// ParseReply parses one line the server sent, with or without its LF.
func ParseReply(line []byte) (Reply, error) {
	if len(line) > MaxLine+MaxName+3 { // a message line: "M " name " " text LF
		return Reply{}, ErrLong
	}
	line = TrimLine(line)
	word, rest, _ := bytes.Cut(line, []byte{' '})
	r := Reply{Kind: kind(word)}
	switch r.Kind {
	case KindMessage:
		r.Name, r.Text, _ = bytes.Cut(rest, []byte{' '})
		if !ValidName(r.Name) {
			return Reply{}, fmt.Errorf("%w: %q", ErrReply, line)
		}
	case KindBroadcast, KindStats:
		r.Text = rest
	case KindOK, KindBye:
		r.Name = rest
	case KindErr:
		r.Name, r.Text, _ = bytes.Cut(rest, []byte{' '})
		if len(r.Name) == 0 {
			return Reply{}, fmt.Errorf("%w: %q", ErrReply, line)
		}
	case KindPong:
		if len(rest) > 0 || bytes.IndexByte(line, ' ') >= 0 {
			return Reply{}, fmt.Errorf("%w: %q", ErrReply, line)
		}
	default:
		return Reply{}, fmt.Errorf("%w: %q", ErrReply, line)
	}
	return r, nil
}

// kind is the Kind a line's first word names, or "" for none: the
// constant, so that parsing a line allocates nothing.
func kind(word []byte) Kind {
	switch string(word) {
	case string(KindMessage):
		return KindMessage
	case string(KindBroadcast):
		return KindBroadcast
	case string(KindOK):
		return KindOK
	case string(KindErr):
		return KindErr
	case string(KindBye):
		return KindBye
	case string(KindPong):
		return KindPong
	case string(KindStats):
		return KindStats
	}
	return ""
}

// Counters are the room's counters, as S answers them.
type Counters struct {
	// Members is how many members are in.
	Members uint64
	// Messages counts the messages (C) and broadcasts (A) accepted.
	Messages uint64
	// Deliveries counts the M and B lines handed to members: put in their
	// outboxes (TCP) or sent (UDP).
	Deliveries uint64
	// Dropped counts the lines the room dropped instead: a member's outbox
	// was full, or a datagram could not be sent.
	Dropped uint64
	// Kicked counts the members disconnected because they did not read.
	Kicked uint64
}

// AppendStats appends the STATS line, LF included.
func AppendStats(dst []byte, c Counters) []byte {
	dst = append(dst, "STATS members="...)
	dst = strconv.AppendUint(dst, c.Members, 10)
	dst = append(dst, " messages="...)
	dst = strconv.AppendUint(dst, c.Messages, 10)
	dst = append(dst, " deliveries="...)
	dst = strconv.AppendUint(dst, c.Deliveries, 10)
	dst = append(dst, " dropped="...)
	dst = strconv.AppendUint(dst, c.Dropped, 10)
	dst = append(dst, " kicked="...)
	dst = strconv.AppendUint(dst, c.Kicked, 10)
	return append(dst, '\n')
}

// ParseStats reads the counters of a STATS line's Text.
func ParseStats(text []byte) (Counters, error) {
	var c Counters
	fields := []struct {
		key string
		v   *uint64
	}{{"members", &c.Members}, {"messages", &c.Messages}, {"deliveries", &c.Deliveries}, {"dropped", &c.Dropped}, {"kicked", &c.Kicked}}
	words := bytes.Fields(text)
	if len(words) != len(fields) {
		return Counters{}, fmt.Errorf("%w: STATS %q", ErrReply, text)
	}
	for i, f := range fields {
		k, v, ok := bytes.Cut(words[i], []byte{'='})
		if !ok || string(k) != f.key {
			return Counters{}, fmt.Errorf("%w: STATS %q: want %s=N", ErrReply, text, f.key)
		}
		n, err := strconv.ParseUint(string(v), 10, 64)
		if err != nil {
			return Counters{}, fmt.Errorf("%w: STATS %q: %s: %v", ErrReply, text, f.key, err)
		}
		*f.v = n
	}
	return c, nil
}

// appendLine appends words joined by spaces, and a LF.
func appendLine(dst []byte, words ...[]byte) []byte {
	for i, w := range words {
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = append(dst, w...)
	}
	return append(dst, '\n')
}

// AppendMessage appends the line "M sender text".
func AppendMessage(dst, sender, text []byte) []byte {
	return appendLine(dst, []byte(KindMessage), sender, text)
}

// AppendBroadcast appends the line "B text".
func AppendBroadcast(dst, text []byte) []byte {
	return appendLine(dst, []byte(KindBroadcast), text)
}

// AppendErr appends the line "ERR reason" or "ERR reason name".
func AppendErr(dst []byte, reason string, name []byte) []byte {
	if len(name) == 0 {
		return appendLine(dst, []byte(KindErr), []byte(reason))
	}
	return appendLine(dst, []byte(KindErr), []byte(reason), name)
}
