package targets

import (
	"errors"
	"io"
	"os"

	"github.com/corobench/corobench/chat"
)

// ChatMember is a chat member served by two blocking loops, as the
// goroutine and thread models serve one: a reader that parses the member's
// commands and, for a message, puts the line into every other member's
// outbox, and a writer that sleeps until its own outbox has lines, takes
// them all and writes them, each write bounded by the kick bound. A reader
// never waits on another member's socket.
type ChatMember struct {
	Peer chat.Peer
	room *chat.Room
	conn io.ReadWriter
	out  *chat.Outbox
	wake chan struct{} // a token when the outbox stops being empty
	// abort closes the connection with a reset, now, from any goroutine;
	// beforeWrite sets the next write's deadline, if the connection wants
	// one set per write.
	abort, beforeWrite func()
}

// NewChatMember returns the member on conn. abort must make conn's reads
// and writes fail at once, and the close that follows send a reset;
// beforeWrite, if not nil, is called before each write.
func NewChatMember(room *chat.Room, conn io.ReadWriter, abort, beforeWrite func()) *ChatMember {
	opts := room.Options()
	m := &ChatMember{room: room, conn: conn, abort: abort, beforeWrite: beforeWrite, wake: make(chan struct{}, 1)}
	m.out = chat.NewOutbox(opts.OutboxBytes, opts.KickAfter, func() {
		select {
		case m.wake <- struct{}{}:
		default:
		}
	})
	m.Peer.Link = m
	return m
}

// Send implements chat.Link: into the outbox, never waiting.
func (m *ChatMember) Send(_ *chat.Peer, line []byte) chat.Delivery { return m.out.Put(line) }

// Close implements chat.Link: the member is kicked.
func (m *ChatMember) Close(*chat.Peer) { m.abort() }

// Serve reads the member's commands on the calling goroutine until it
// quits or its connection ends, with its writer on a goroutine start
// starts; then it lets the writer send what is queued and returns once it
// has. The caller closes the connection.
func (m *ChatMember) Serve(start func(func())) {
	done := make(chan struct{})
	wrote := make(chan struct{})
	start(func() {
		defer close(wrote)
		m.write(done)
	})
	m.read()
	m.room.Leave(&m.Peer)
	close(done)
	<-wrote
	m.out.Close()
}

// read serves commands until Q, or the connection ends.
func (m *ChatMember) read() { ReadChatCommands(m.room, &m.Peer, m.conn, make([]byte, 4096)) }

// ReadChatCommands serves p's commands, read from r into buf, until p
// quits or a read fails. It makes no call but r's Read between a read and
// the commands it holds, so buf may be shared by members that take turns
// on one thread.
func ReadChatCommands(room *chat.Room, p *chat.Peer, r io.Reader, buf []byte) {
	var lines chat.Lines
	for {
		n, err := r.Read(buf)
		for in := buf[:max(n, 0)]; ; {
			line, rest, bad, ok := lines.Next(in)
			if !ok {
				break
			}
			in = rest
			if bad != nil {
				room.Refuse(p, bad)
			} else if room.Handle(p, line) {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// write drains the outbox until done is closed, then sends what is left.
// A write that passes its deadline kicks the member; any failed write ends
// the connection.
func (m *ChatMember) write(done <-chan struct{}) {
	var spare []byte
	for {
		last := false
		select {
		case <-m.wake:
		case <-done:
			last = true
		}
		if b := m.out.Take(spare); b != nil {
			if m.beforeWrite != nil {
				m.beforeWrite()
			}
			if _, err := m.conn.Write(b); err != nil {
				if errors.Is(err, os.ErrDeadlineExceeded) {
					m.room.Kick(&m.Peer)
				}
				m.abort()
				return
			}
			spare = b
		}
		if last {
			return
		}
	}
}
