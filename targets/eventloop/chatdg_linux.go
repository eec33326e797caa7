package eventloop

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"runtime"
	"time"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/chat"
	"github.com/corobench/corobench/internal/poller"
)

// Sizes of the UDP chat loop's batches.
const (
	chatBatch = 64  // datagrams a recvmmsg takes
	chatSends = 256 // datagrams a sendmmsg sends at most
	// chatArena holds the lines of one batch of sends: a fan-out copies
	// its line once, and every member's message points at that copy.
	chatArena = chatSends * (chat.MaxLine + chat.MaxName + 3)
)

// ChatDatagramLoop is one UDP chat loop, on one OS thread over one
// socket. Several loops may serve one room, each over a socket of its own
// on the same port (reactors): each sends the answers and fan-outs of the
// commands it reads from its own socket, in its own batch.
type ChatDatagramLoop struct {
	*chatDatagrams
	p *poller.Poller
}

// chatDatagrams is a UDP chat loop's socket, its batches and the arena the
// lines of a batch of sends live in.
type chatDatagrams struct {
	room    *chat.Room
	fd      int
	onRead  func()
	in, out *poller.Msgs
	arena   []byte
	last    int // where the last line copied into the arena starts
}

func newChatDatagrams(room *chat.Room, fd int) *chatDatagrams {
	return &chatDatagrams{room: room, fd: fd, in: poller.NewMsgs(chatBatch, chat.MaxLine+1, true),
		out: poller.NewMsgs(chatSends, 0, true), arena: make([]byte, 0, chatArena)}
}

// NewChatDatagramLoop returns a loop serving room over the UDP socket fd,
// which it takes over (Run or Close closes it).
func NewChatDatagramLoop(room *chat.Room, fd int) (*ChatDatagramLoop, error) {
	p, err := poller.New()
	if err == nil {
		if err = p.Add(fd, poller.Readable); err != nil {
			p.Close()
		}
	}
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("eventloop: %w", err)
	}
	return &ChatDatagramLoop{chatDatagrams: newChatDatagrams(room, fd), p: p}, nil
}

// OnRead sets a hook called on the loop's thread after each read of a
// batch of commands (for tests).
func (l *ChatDatagramLoop) OnRead(f func()) { l.onRead = f }

// Close closes the loop's descriptors; Run does so when it returns.
func (l *ChatDatagramLoop) Close() error {
	unix.Close(l.fd)
	return l.p.Close()
}

// ServeDatagrams implements targets.DatagramServer: one loop on this
// goroutine's OS thread, over a descriptor of pc's socket of its own.
func (s *ChatDatagramServer) ServeDatagrams(ctx context.Context, pc net.PacketConn) error {
	fd, err := poller.PacketSocketFD(pc)
	if err != nil {
		return fmt.Errorf("eventloop: %w", err)
	}
	l, err := NewChatDatagramLoop(s.room, fd)
	if err != nil {
		return err
	}
	l.OnRead(s.onRead)
	return l.Run(ctx)
}

// Run serves until ctx ends, on the calling goroutine's OS thread, letting
// the room forget its silent members now and then; then it closes the
// loop's descriptors.
func (l *ChatDatagramLoop) Run(ctx context.Context) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	defer l.Close()
	defer context.AfterFunc(ctx, func() { l.p.Wake() })()
	ready := func(int, uint32) { l.read() }
	for ctx.Err() == nil {
		if _, err := l.p.Wait(l.room.SweepEvery(), ready); err != nil {
			return fmt.Errorf("eventloop: %w", err)
		}
		l.room.Sweep(time.Now())
	}
	return nil
}

// read serves one batch of datagrams, then sends what they fanned out.
func (l *chatDatagrams) read() {
	n, err := l.in.Recv(l.fd)
	if err != nil {
		return // EAGAIN, or an error the next wake-up meets again
	}
	if l.onRead != nil {
		l.onRead()
	}
	for i := range n {
		// A longer datagram was cut to the buffer, a byte past MaxLine:
		// ERR long.
		l.room.HandleDatagram(poller.AddrPortOf(l.in.Addr(i)), l.in.Datagram(i), l)
	}
	l.flush()
}

// Send implements chat.Link: the line joins the batch of sends, copied
// once per fan-out into the arena.
func (l *chatDatagrams) Send(p *chat.Peer, line []byte) chat.Delivery {
	if l.out.Full() || len(l.arena)+len(line) > cap(l.arena) && !bytes.Equal(l.arena[l.last:], line) {
		l.flush()
	}
	if len(l.arena) == 0 || !bytes.Equal(l.arena[l.last:], line) {
		l.last = len(l.arena)
		l.arena = append(l.arena, line...)
	}
	raw := poller.RawAddrOf(p.Addr)
	l.out.Add(l.arena[l.last:], &raw)
	return chat.Sent
}

// Close implements chat.Link: a UDP member is only forgotten.
func (l *chatDatagrams) Close(*chat.Peer) {}

// flush sends the batch with sendmmsg; what the socket refuses is dropped
// and counted as dropped lines (an answer among them too).
func (l *chatDatagrams) flush() {
	if left := l.out.Len(); left > 0 {
		if sent, err := l.out.Send(l.fd); err != nil {
			for i := range left - sent {
				l.room.Unsent(l.out.Message(i))
			}
			l.out.Drop(left - sent)
		}
	}
	l.arena, l.last = l.arena[:0], 0
}
