// Package chat is the chat room's wire protocol and the room itself, shared
// by every model that serves chat and by the clients that load it. The
// protocol is line-based text (docs/chat.md): over TCP one command per line,
// over UDP one command per datagram. Parse reads a client's command,
// ParseReply a server's line; the Append functions write both sides' lines.
// Room holds the members and their counters and fans a message out to every
// member but its sender through each member's Link, which is where a model
// shows its design: an Outbox drained by a writer, a buffer an event loop
// flushes, or a datagram sent at once.
package chat

import (
	"bytes"
	"errors"
)

// Bounds of the protocol.
const (
	// MaxLine is the longest line (TCP) or datagram (UDP), its line feed
	// included.
	MaxLine = 1024
	// MaxName is the longest member name.
	MaxName = 32
)

// Verb is a command's kind: its first byte.
type Verb byte

// The commands.
const (
	Login Verb = 'L' // L name
	Say   Verb = 'C' // C name text
	Quit  Verb = 'Q' // Q name
	Ping  Verb = 'P' // P [name]
	Admin Verb = 'A' // A token text
	Stats Verb = 'S' // S
)

// Command is a parsed command. Name is the member's name (Login, Say, Quit,
// Ping) or the admin's token (Admin); Text is the message (Say, Admin).
// Both alias the line they were parsed from.
type Command struct {
	Verb Verb
	Name []byte
	Text []byte
}

// Errors of Parse; each is answered with its own line (Reason).
var (
	ErrUnknown = errors.New("chat: unknown command")
	ErrLong    = errors.New("chat: line too long")
	ErrName    = errors.New("chat: bad name")
	ErrText    = errors.New("chat: bad text (CR or NUL)")
)

// Reason is what an ERR line says for a Parse error: ERR unknown, ERR long,
// ERR name or ERR text.
func Reason(err error) string {
	switch err {
	case ErrLong:
		return "long"
	case ErrName:
		return "name"
	case ErrText:
		return "text"
	}
	return "unknown"
}

// TrimLine drops a line's ending: a trailing LF, and a CR before it.
func TrimLine(line []byte) []byte {
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
	}
	return line
}

// Parse parses one command: a line or a datagram, with or without its
// ending (LF or CR LF). A line longer than MaxLine is ErrLong; a login with
// a name that is not 1 to MaxName bytes of [A-Za-z0-9._-] is ErrName; text
// with a CR or NUL is ErrText; anything else that is not a command is
// ErrUnknown. Say, Quit and Ping do not check their name: the room answers
// a name that is not the sender's.
func Parse(line []byte) (Command, error) {
	if len(line) > MaxLine || len(line) == MaxLine && line[MaxLine-1] != '\n' {
		return Command{}, ErrLong
	}
	line = TrimLine(line)
	if len(line) == 0 {
		return Command{}, ErrUnknown
	}
	c := Command{Verb: Verb(line[0])}
	rest := line[1:]
	if len(rest) > 0 {
		if rest[0] != ' ' {
			return Command{}, ErrUnknown
		}
		rest = rest[1:]
	}
	switch c.Verb {
	case Login:
		if !ValidName(rest) {
			return Command{}, ErrName
		}
		c.Name = rest
	case Quit:
		c.Name = rest
	case Ping:
		c.Name = rest
	case Stats:
		if len(line) != 1 {
			return Command{}, ErrUnknown
		}
	case Say, Admin:
		if len(line) == 1 {
			return Command{}, ErrUnknown
		}
		c.Name, c.Text, _ = bytes.Cut(rest, []byte{' '})
		if !ValidText(c.Text) {
			return Command{}, ErrText
		}
	default:
		return Command{}, ErrUnknown
	}
	if !ValidText(c.Name) {
		return Command{}, ErrText
	}
	return c, nil
}

// ValidName reports whether b is a member name: 1 to MaxName bytes of
// [A-Za-z0-9._-].
func ValidName(b []byte) bool {
	if len(b) == 0 || len(b) > MaxName {
		return false
	}
	for _, c := range b {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

// ValidText reports whether b may be a message's text: no LF, CR or NUL.
func ValidText(b []byte) bool {
	return bytes.IndexByte(b, '\n') < 0 && bytes.IndexByte(b, '\r') < 0 && bytes.IndexByte(b, 0) < 0
}

// AppendCommand appends c as a line, LF included: what a client sends.
// Stats ignores Name and Text; Login, Quit and Ping ignore Text.
func AppendCommand(dst []byte, c Command) []byte {
	dst = append(dst, byte(c.Verb))
	switch c.Verb {
	case Stats:
	case Say, Admin:
		dst = append(dst, ' ')
		dst = append(dst, c.Name...)
		dst = append(dst, ' ')
		dst = append(dst, c.Text...)
	default:
		if len(c.Name) > 0 {
			dst = append(dst, ' ')
			dst = append(dst, c.Name...)
		}
	}
	return append(dst, '\n')
}
