package loadgen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/corobench/corobench/chat"
	"github.com/corobench/corobench/results"
)

// The kinds of stray line a member reads (results.Chat.Strays).
var chatStrayKinds = [...]string{"malformed", "foreign", "invented", "echo", "long", "unexpected"}

const (
	chatStrayMalformed = iota
	chatStrayForeign
	chatStrayInvented
	chatStrayEcho
	chatStrayLong
	chatStrayUnexpected
)

// Error kinds of the chat mode, besides the network's.
const (
	ErrChatLogin = "login refused" // the room refused a member's L
	ErrChatGone  = "left early"    // the target closed a reading member's connection before the end
)

// chatErrKinds are the kinds of an ERR line read during the run, by its
// first word (kept to a known few, so that a lying target cannot grow the
// error map).
var chatErrKinds = map[string]string{
	"long": "ERR long", "taken": "ERR taken", "name": "ERR name", "login": "ERR login",
	"admin": "ERR admin", "unknown": "ERR unknown",
}

// chatKind is the error kind of a failed login.
func chatKind(err error) string {
	if errors.Is(err, errChatLogin) {
		return ErrChatLogin
	}
	return kindOf(err, true)
}

// read reads what the room delivers until the read deadline (readEnd),
// this member's BYE, or a failure. Nothing on this path allocates: lines
// are taken apart in m.buf.
func (m *chatMember) read(ctx context.Context, conn net.Conn, pending int) {
	udp := m.cr.network == NetUDP
	buf, n, skip := m.buf, pending, false
	m.bye = false
	if n > 0 {
		n, skip = m.lines(buf, n, skip, time.Now())
	}
	for !m.bye {
		k, err := conn.Read(buf[n:])
		now := time.Now()
		switch {
		case udp && k > ChatMaxLine:
			m.strays[chatStrayLong]++
		case udp && k > 0:
			m.line(bytes.TrimSuffix(buf[:k], []byte{'\n'}), now)
		case k > 0:
			n, skip = m.lines(buf, n+k, skip, now)
		}
		if err != nil {
			if !m.bye && ctx.Err() == nil && now.Before(m.cr.readEnd) && !errors.Is(err, os.ErrDeadlineExceeded) {
				kind := kindOf(err, false)
				if errors.Is(err, io.EOF) {
					kind = ErrChatGone
				}
				m.cr.rec.failure(m.shard, now, kind)
			}
			return
		}
	}
}

// lines takes the whole lines of buf[:n] and moves what is left of a
// line to the start. A line longer than the limit is counted and skipped
// up to its LF.
func (m *chatMember) lines(buf []byte, n int, skip bool, now time.Time) (int, bool) {
	start := 0
	for {
		i := bytes.IndexByte(buf[start:n], '\n')
		if i < 0 {
			break
		}
		if skip {
			skip = false
		} else {
			m.line(buf[start:start+i], now)
		}
		start += i + 1
	}
	rest := copy(buf, buf[start:n])
	if rest >= ChatMaxLine {
		if !skip {
			m.strays[chatStrayLong]++
		}
		return 0, true
	}
	return rest, skip
}

// line takes one line the room sent.
func (m *chatMember) line(b []byte, now time.Time) {
	r, err := chat.ParseReply(bytes.TrimSuffix(b, []byte{'\r'}))
	switch {
	case err != nil && bytes.HasPrefix(b, []byte("M ")):
		m.strays[chatStrayMalformed]++ // not a member's name
	case err != nil:
		m.strays[chatStrayUnexpected]++
	case r.Kind == chat.KindMessage:
		m.delivery(r.Name, r.Text, now)
	case r.Kind == chat.KindBroadcast:
		m.broadcasts++
	case r.Kind == chat.KindBye && string(r.Name) == m.name:
		m.bye = true
	case r.Kind == chat.KindPong:
	case r.Kind == chat.KindErr:
		kind, ok := chatErrKinds[string(r.Name)]
		if !ok {
			kind = "ERR other"
		}
		m.cr.rec.failure(m.shard, now, kind)
	default:
		m.strays[chatStrayUnexpected]++
	}
}

// delivery takes a message from name whose text is "seq ns[ pad]": times
// it, and checks it against what its sender sent and what this member read
// before.
func (m *chatMember) delivery(name, rest []byte, now time.Time) {
	tag := m.cr.tag
	if len(name) <= len(tag) || string(name[:len(tag)]) != tag {
		m.strays[chatStrayForeign]++
		return
	}
	s, ok := atou(name[len(tag):])
	if !ok || s >= uint64(len(m.pairs)) {
		m.strays[chatStrayForeign]++
		return
	}
	seqB, rest, _ := bytes.Cut(rest, []byte{' '})
	nsB, _, _ := bytes.Cut(rest, []byte{' '})
	seq, ok1 := atou(seqB)
	ns, ok2 := atou(nsB)
	if !ok1 || !ok2 {
		m.strays[chatStrayMalformed]++
		return
	}
	due := m.cr.start.Add(time.Duration(ns))
	switch {
	case int(s) == m.idx:
		m.strays[chatStrayEcho]++
		return
	case seq >= uint64(m.cr.claimed[s].Load()) || due.After(now):
		m.strays[chatStrayInvented]++
		return
	}
	latency := now.Sub(due)
	m.cr.rec.success(m.shard, due, now, latency, latency, 0)
	m.received++
	p, q := &m.pairs[s], uint32(seq)
	switch {
	case q < p.join: // sent before this member logged in: nothing owed
	case q == p.next:
		p.next++
	case q > p.next:
		m.lost += int64(q - p.next) // skipped: a room keeps each sender's order
		p.next = q + 1
	case q+1 == p.next:
		m.dup++
	default:
		m.ooo++
		if m.lost > 0 {
			m.lost-- // counted lost when skipped; it came late
		}
	}
}

// atou is a decimal number of at most 19 digits.
func atou(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return n, true
}

// chatStats asks the room for its counters (S) on a connection of its
// own, within the timeout (over UDP, asking again a few times).
func chatStats(ctx context.Context, network, addr string, timeout time.Duration) (*results.ChatServer, error) {
	deadline := time.Now().Add(timeout)
	d := net.Dialer{Deadline: deadline}
	conn, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, fmt.Errorf("loadgen: chat S: %w", err)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	buf := make([]byte, ChatMaxLine+1)
	for {
		wait := deadline
		if network == NetUDP {
			wait = earliest(deadline, time.Now().Add(chatLoginRetry))
		}
		conn.SetDeadline(wait)
		var line []byte
		if _, err = conn.Write([]byte("S\n")); err == nil {
			line, _, err = readLine(conn, buf, network == NetUDP)
		}
		var ne net.Error
		if err != nil && network == NetUDP && errors.As(err, &ne) && ne.Timeout() && time.Now().Before(deadline) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("loadgen: chat S: %w", err)
		}
		return parseChatStats(line)
	}
}

// parseChatStats reads the STATS line (chat.ParseReply, chat.ParseStats).
func parseChatStats(line []byte) (*results.ChatServer, error) {
	r, err := chat.ParseReply(line)
	if err == nil && r.Kind != chat.KindStats {
		err = fmt.Errorf("answered %q, not STATS", line)
	}
	var c chat.Counters
	if err == nil {
		c, err = chat.ParseStats(r.Text)
	}
	if err != nil {
		return nil, fmt.Errorf("loadgen: chat S: %w", err)
	}
	return &results.ChatServer{Members: int64(c.Members), Messages: int64(c.Messages),
		Deliveries: int64(c.Deliveries), Dropped: int64(c.Dropped), Kicked: int64(c.Kicked)}, nil
}

// countList is "3 a, 1 b", by kind's name.
func countList(m map[string]int64) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%d %s", m[k], k))
	}
	return strings.Join(parts, ", ")
}
