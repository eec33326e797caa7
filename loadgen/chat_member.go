package loadgen

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"syscall"
	"time"
)

// chatMember is one member of the room: a driver goroutine that logs in,
// sends on its schedule, leaves and comes back when churn asks, and a
// reader goroutine per login that reads what the room delivers. The
// counts are the driver's and its reader's, one after the other (the
// driver reads them once the reader has ended).
type chatMember struct {
	cr    *chatRun
	idx   int
	name  string
	slow  bool
	shard *shard
	leave chan struct{}
	pairs []chatPair // per sender
	snap  []uint32   // the claimed counters, at the last leave or the end
	out   []byte     // the line being sent
	buf   []byte     // what was read and not yet taken apart

	joined               bool
	rejoins, sent        int64
	received, lost       int64
	dup, ooo, broadcasts int64
	strays               [len(chatStrayKinds)]int64
	bye                  bool // the reader read this member's BYE
	// drops counts the datagrams the kernel dropped at this reading
	// member's UDP sockets, read as each closes; dropsKnown says whether
	// any socket's count could be read.
	drops      int64
	dropsKnown bool
}

// chatPair is what a reading member knows of one sender since it logged
// in: the first sequence number owed to it (join), and the next one it
// expects (next).
type chatPair struct{ join, next uint32 }

func newChatMember(cr *chatRun, i int, slow bool) *chatMember {
	m := &chatMember{cr: cr, idx: i, name: cr.tag + strconv.Itoa(i), slow: slow, shard: cr.rec.shard(i),
		leave: make(chan struct{}, 1)}
	if !slow {
		m.pairs = make([]chatPair, cr.chat.Members)
		m.out = make([]byte, 0, ChatMaxLine)
		size := chatReadBuf
		if cr.network == NetUDP {
			size = ChatMaxLine + 1 // a byte more: a longer datagram shows
		}
		m.buf = make([]byte, size)
	}
	return m
}

// The ways a send loop ends.
const (
	sendEnd    = iota // the run's sending time is over
	sendLeave         // churn asked this member to leave
	sendFailed        // the connection failed
)

// run is the member's life: join, then send and read until the end,
// leaving and joining again when churn asks.
func (m *chatMember) run(ctx context.Context) {
	if !sleepUntil(ctx, m.cr.joinAt(m.idx)) {
		return
	}
	for {
		conn, pending, err := m.join(ctx)
		if err != nil {
			if ctx.Err() == nil {
				m.cr.rec.failure(m.shard, m.cr.from, chatKind(err))
			}
			return
		}
		m.joined = true
		stop := context.AfterFunc(ctx, func() { conn.Close() })
		if m.slow {
			m.hold(ctx, conn)
			m.quit(conn)
			stop()
			conn.Close()
			return
		}
		m.snap = m.cr.snapshot(m.snap)
		for s := range m.pairs {
			m.pairs[s] = chatPair{join: m.snap[s], next: m.snap[s]}
		}
		conn.SetReadDeadline(m.cr.readEnd)
		readDone := make(chan struct{})
		go func() { defer close(readDone); m.read(ctx, conn, pending) }()
		how := m.send(ctx, conn)
		switch how {
		case sendLeave:
			// Owed: what was claimed before the leave; read a grace more.
			m.snap = m.cr.snapshot(m.snap)
			sleepUntil(ctx, time.Now().Add(m.cr.chat.Grace))
			m.quit(conn)
			waitOrClose(readDone, conn, m.cr.cfg.timeout)
		case sendFailed:
			m.countDrops(conn)
			conn.Close()
			<-readDone
		default:
			<-readDone // until readEnd
			m.snap = m.cr.snapshot(m.snap)
			m.quit(conn)
		}
		if how != sendFailed {
			m.countDrops(conn)
		}
		stop()
		conn.Close()
		if how == sendFailed || ctx.Err() != nil {
			return
		}
		m.owed()
		if how != sendLeave || !time.Now().Before(m.cr.end) {
			return
		}
		m.rejoins++
	}
}

// countDrops adds what the kernel dropped at a reading member's UDP
// socket, before it closes (and its count with it).
func (m *chatMember) countDrops(conn net.Conn) {
	if m.cr.network != NetUDP {
		return
	}
	if n := socketDrops(conn); n >= 0 {
		m.drops += n
		m.dropsKnown = true
	}
}

// waitOrClose waits for done, at most d, then closes conn and waits.
func waitOrClose(done <-chan struct{}, conn net.Conn, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		conn.Close()
		<-done
	}
}

// owed counts as lost what the member was owed by each sender (claimed
// between its login and snap) and has not read.
func (m *chatMember) owed() {
	readers := m.cr.chat.Members - m.cr.chat.slow()
	for s := range readers {
		p := m.pairs[s]
		if s == m.idx || m.snap[s] <= p.next {
			continue
		}
		m.lost += int64(m.snap[s] - p.next)
	}
}

// send sends the member's messages on its schedule, from a random phase,
// until the end, a leave or a failure.
func (m *chatMember) send(ctx context.Context, conn net.Conn) int {
	every := time.Duration(float64(time.Second) / m.cr.chat.Rate)
	next := time.Now().Add(time.Duration(rand.Int64N(int64(max(every, 1)))))
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		if !next.Before(m.cr.end) {
			return sendEnd
		}
		if wait := time.Until(next); wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				return sendEnd
			case <-m.leave:
				return sendLeave
			case <-timer.C:
			}
		} else {
			select {
			case <-m.leave:
				return sendLeave
			default:
			}
		}
		seq := m.cr.claimed[m.idx].Add(1) - 1
		conn.SetWriteDeadline(time.Now().Add(m.cr.cfg.timeout))
		if _, err := conn.Write(m.message(seq, next)); err != nil {
			if ctx.Err() == nil {
				m.cr.rec.failure(m.shard, time.Now(), kindOf(err, false))
			}
			return sendFailed
		}
		if m.cr.rec.counts(next) {
			m.sent++
		}
		next = next.Add(every)
	}
}

// chatPad is what pads a message to its size.
var chatPad = bytes.Repeat([]byte{'x'}, ChatMaxLine)

// message is the line of message seq, due at due: "C name seq ns pad",
// ns the nanoseconds from the run's start to due.
func (m *chatMember) message(seq uint32, due time.Time) []byte {
	b := append(m.out[:0], "C "...)
	b = append(b, m.name...)
	b = append(b, ' ')
	text := len(b)
	b = strconv.AppendUint(b, uint64(seq), 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(due.Sub(m.cr.start)), 10)
	if pad := m.cr.chat.Size - (len(b) - text); pad > 0 {
		b = append(b, ' ')
		b = append(b, chatPad[:pad-1]...)
	}
	m.out = append(b, '\n')
	return m.out
}

// hold keeps a slow member in the room without reading until the end
// (over UDP saying P now and then, as the room removes silent members).
func (m *chatMember) hold(ctx context.Context, conn net.Conn) {
	for {
		next := time.Now().Add(chatKeepalive)
		if m.cr.network != NetUDP || !next.Before(m.cr.readEnd) {
			sleepUntil(ctx, m.cr.readEnd)
			return
		}
		if !sleepUntil(ctx, next) {
			return
		}
		conn.SetWriteDeadline(time.Now().Add(m.cr.cfg.timeout))
		conn.Write([]byte("P " + m.name + "\n"))
	}
}

// quit says Q, as a member leaving does; a target that does not take it
// in a short while is closed on anyway.
func (m *chatMember) quit(conn net.Conn) {
	conn.SetWriteDeadline(time.Now().Add(min(m.cr.cfg.timeout, 100*time.Millisecond)))
	conn.Write([]byte("Q " + m.name + "\n"))
}

// chatLoginRetry is how long a UDP member waits for OK before it says L
// again (its datagram or the answer may be lost), and how long a member
// whose name is still taken (its last login not yet gone) waits.
const chatLoginRetry = 200 * time.Millisecond

// errChatLogin is a login the room refused.
var errChatLogin = errors.New("loadgen: chat login refused")

// join connects and logs in, within the timeout. pending is how many
// bytes of m.buf arrived after the OK line, for the reader.
func (m *chatMember) join(ctx context.Context) (conn net.Conn, pending int, err error) {
	deadline := time.Now().Add(m.cr.cfg.timeout)
	udp := m.cr.network == NetUDP
	d := net.Dialer{Deadline: deadline}
	if m.slow {
		d.Control = func(network, _ string, c syscall.RawConn) error { return shrinkSocket(network, c) }
	}
	buf := m.buf
	if buf == nil {
		buf = make([]byte, ChatMaxLine+1)
	}
	closeConn := func() {
		if conn != nil {
			conn.Close()
			conn = nil
		}
	}
	for tries := 0; ; tries++ {
		if !time.Now().Before(deadline) || ctx.Err() != nil {
			closeConn()
			return nil, 0, cmp.Or(err, os.ErrDeadlineExceeded)
		}
		if conn == nil {
			if conn, err = d.DialContext(ctx, m.cr.network, m.cr.addr); err != nil {
				return nil, 0, err
			}
		}
		wait := deadline
		if udp {
			wait = earliest(deadline, time.Now().Add(chatLoginRetry))
		}
		conn.SetDeadline(wait)
		var answer []byte
		if _, err = conn.Write([]byte("L " + m.name + "\n")); err == nil {
			answer, pending, err = readLine(conn, buf, udp)
		}
		var ne net.Error
		switch {
		case err != nil && udp && errors.As(err, &ne) && ne.Timeout():
			continue // say L again
		case err != nil:
			closeConn()
			return nil, 0, err
		case bytes.Equal(answer, []byte("OK "+m.name)),
			udp && tries > 0 && bytes.Equal(answer, []byte("ERR login")): // an earlier L came in, its OK was lost
			conn.SetDeadline(time.Time{})
			return conn, pending, nil
		case bytes.HasPrefix(answer, []byte("ERR taken")):
			// Our last login is still leaving: try again in a while.
			err = fmt.Errorf("%w: %s", errChatLogin, answer)
			closeConn()
			sleepUntil(ctx, earliest(deadline, time.Now().Add(chatLoginRetry)))
		default:
			closeConn()
			return nil, 0, fmt.Errorf("%w: %q", errChatLogin, answer)
		}
	}
}

// readLine reads the first line: over TCP until an LF (at most
// ChatMaxLine bytes), leaving what follows it at the start of buf
// (pending bytes); over UDP one datagram.
func readLine(conn net.Conn, buf []byte, udp bool) (line []byte, pending int, err error) {
	n := 0
	for {
		k, err := conn.Read(buf[n:])
		if udp {
			return bytes.TrimRight(buf[:k], "\r\n"), 0, err
		}
		n += k
		if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
			line = bytes.TrimRight(buf[:i], "\r")
			line = append([]byte(nil), line...)
			rest := copy(buf, buf[i+1:n])
			return line, rest, nil
		}
		if err != nil {
			return nil, 0, err
		}
		if n > ChatMaxLine || n == len(buf) {
			return nil, 0, fmt.Errorf("%w: an answer over %d bytes", errChatLogin, ChatMaxLine)
		}
	}
}
