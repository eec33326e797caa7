package loadgen

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/corobench/corobench/internal/poller"
	"github.com/corobench/corobench/protocol"
)

// The transports a run speaks (WithNet).
const (
	NetTCP = "tcp" // HTTP/1.1 over connections
	NetUDP = "udp" // the datagram form: a request per datagram (protocol.ParseDatagram)
)

// WithNet chooses the transport: NetTCP (the default) or NetUDP. Over UDP
// each connection is a client with its own socket, keeping WithWindow
// requests in flight; a request unanswered within the timeout counts as
// lost (ErrLost), and answers that match no request in flight are counted
// apart, by kind (the Stray kinds).
func WithNet(network string) Option { return func(c *config) { c.dgram.net = network } }

// WithWindow sets how many requests each datagram client keeps in flight in
// a closed loop (DefaultWindow): the next leaves as soon as one is answered
// or lost.
func WithWindow(n int) Option { return func(c *config) { c.dgram.window = n } }

// WithSockets sets how many sockets the datagram clients share, in turn;
// 0 (the default) gives each client its own, as separate programs would
// have. Fewer sockets let the engine batch many clients' datagrams in one
// system call (recvmmsg, sendmmsg), and show the target fewer sources.
func WithSockets(n int) Option { return func(c *config) { c.dgram.sockets = n } }

// dgramConfig is a run's transport and its datagram settings.
type dgramConfig struct {
	net     string
	window  int // 0: DefaultWindow
	sockets int // 0: one per client
}

// DefaultWindow is one request in flight per datagram client.
const DefaultWindow = 1

// MaxWindow bounds WithWindow (and the window of an open-loop datagram
// run: WithMaxConns spread over the clients).
const MaxWindow = 1 << slotBits

// maxDatagramClients bounds the datagram clients of a run.
const maxDatagramClients = 1 << clientBits

// ErrLost is the error kind of a datagram request that got no answer
// within the timeout.
const ErrLost = "lost"

// The kinds of stray answer: a datagram that answers no request in flight.
// They are counted apart from the requests (results.Datagram.Strays).
const (
	StrayLate      = "late"      // its request had already been counted lost
	StrayDuplicate = "duplicate" // its request had already been answered
	StrayMalformed = "malformed" // not an answer of the protocol
	StrayForeign   = "foreign"   // an id this client never sent (another client's, another run's, made up)
)

// strayKinds orders the stray kinds for counting in an array.
var strayKinds = [...]string{StrayLate, StrayDuplicate, StrayMalformed, StrayForeign}

type strayKind uint8

const (
	strayLate strayKind = iota
	strayDuplicate
	strayMalformed
	strayForeign
	matched // not a stray: the answer to the request in flight
)

// A request's id: a salt of the run (so that another run's answers, or a
// made-up id, are foreign), the client, the slot of its window, and the
// slot's generation (each request the slot sends is the next one).
const (
	genBits    = 20
	slotBits   = 12
	clientBits = 20
	saltBits   = 64 - genBits - slotBits - clientBits
	genMask    = 1<<genBits - 1
)

func makeID(salt uint64, client, slot int, gen uint32) uint64 {
	return salt<<(64-saltBits) | uint64(client)<<(genBits+slotBits) | uint64(slot)<<genBits | uint64(gen)
}

func splitID(id uint64) (salt uint64, client, slot int, gen uint32) {
	return id >> (64 - saltBits), int(id >> (genBits + slotBits) & (1<<clientBits - 1)),
		int(id >> genBits & (1<<slotBits - 1)), uint32(id & genMask)
}

// dreq is one kind of request of a datagram run's mix, encoded once.
type dreq struct {
	tail  []byte // what follows the id
	proof bool   // the answer must prove CPU work
	// answer is the most bytes its answer may take.
	answer int
}

// dmix draws requests by weight from a seeded generator.
type dmix struct {
	reqs []dreq
	cum  []int
	rng  *rand.Rand
}

func newDmix(reqs []dreq, weights []int, seed uint64) *dmix {
	m := &dmix{reqs: reqs, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	total := 0
	for _, w := range weights {
		total += max(w, 1)
		m.cum = append(m.cum, total)
	}
	return m
}

func (m *dmix) next() *dreq {
	if len(m.reqs) == 1 {
		return &m.reqs[0]
	}
	x := m.rng.IntN(m.cum[len(m.cum)-1])
	for i, c := range m.cum {
		if x < c {
			return &m.reqs[i]
		}
	}
	return &m.reqs[len(m.reqs)-1]
}

// encodeDatagrams encodes a run's requests as datagrams, and says the most
// bytes any answer may take. A request a datagram cannot carry is an error.
func encodeDatagrams(rs []Request) ([]dreq, []int, error) {
	var reqs []dreq
	var weights []int
	for _, r := range rs {
		switch {
		case r.Method != "GET" && r.Method != "POST":
			return nil, nil, fmt.Errorf("loadgen: request %s %s: a datagram carries GET, or POST /echo", r.Method, r.Path)
		case r.Method == "POST" && !strings.HasPrefix(r.Path, "/echo"):
			return nil, nil, fmt.Errorf("loadgen: request POST %s: over datagrams only /echo takes a body", r.Path)
		}
		tail := protocol.AppendDatagramTail(nil, r.Path, r.Body)
		if len(tail)+20 > protocol.MaxDatagramRequest {
			return nil, nil, fmt.Errorf("loadgen: request %s %s: %d bytes do not fit a request datagram (%d)", r.Method, r.Path,
				len(tail)+20, protocol.MaxDatagramRequest)
		}
		reqs = append(reqs, dreq{tail: tail, proof: strings.HasPrefix(r.Path, "/cpu") || strings.HasPrefix(r.Path, "/mix"),
			answer: answerBound(r)})
		weights = append(weights, r.Weight)
	}
	return reqs, weights, nil
}

// answerBound is the most bytes an answer to r may take: an echo of its
// size or body, or a short line (a model's name, the proof of work, an
// error's reason). A longer answer is cut, and counted malformed.
func answerBound(r Request) int {
	const short = 512
	n := short
	if size, ok := strings.CutPrefix(r.Path, "/echo?size="); ok {
		if v, err := strconv.Atoi(size); err == nil {
			n = max(n, v)
		}
	}
	return protocol.MaxAnswerHead + max(n, len(r.Body))
}

// dslot is one slot of a client's window: a request in flight, or the
// memory of the last ones, to tell a late answer from a duplicate.
type dslot struct {
	c     *dclient
	idx   int
	gen   uint32 // the generation of the request in flight, or of the last one sent
	sends uint64 // requests this slot sent, ever
	busy  bool
	// past says, for the last 64 generations, which got an answer: bit i
	// for generation gen-i.
	past      uint64
	req       *dreq
	due, sent time.Time
	timer     poller.Timer[*dslot]
	buf       []byte // the datagram: the id, then the request's tail
}

// dclient is one datagram client: a window of slots on one socket.
type dclient struct {
	idx    int
	sock   int // its socket, in its engine's numbering
	slots  []dslot
	free   []int32 // slots not in flight
	mix    *dmix
	served bool // got an answer in the measured window
}

func newDclient(idx, sock, window int, mix *dmix) *dclient {
	c := &dclient{idx: idx, sock: sock, slots: make([]dslot, window), mix: mix}
	for i := range c.slots {
		s := &c.slots[i]
		s.c, s.idx = c, i
		s.timer.Value = s
		c.free = append(c.free, int32(window-1-i))
	}
	return c
}

// take returns a slot not in flight, or nil.
func (c *dclient) take() *dslot {
	n := len(c.free)
	if n == 0 {
		return nil
	}
	s := &c.slots[c.free[n-1]]
	c.free = c.free[:n-1]
	return s
}

// release puts s back among the slots not in flight.
func (c *dclient) release(s *dslot) { c.free = append(c.free, int32(s.idx)) }

// encode makes s's next request: r, under the next generation's id.
func (s *dslot) encode(salt uint64, r *dreq) {
	s.gen = (s.gen + 1) & genMask
	s.sends++
	s.past <<= 1
	s.busy = true
	s.req = r
	s.buf = strconv.AppendUint(s.buf[:0], makeID(salt, s.c.idx, s.idx, s.gen), 10)
	s.buf = append(s.buf, r.tail...)
}

// classify says what an answer of generation gen is to s: the answer to
// the request in flight, or a stray.
func (s *dslot) classify(gen uint32) strayKind {
	age := uint64((s.gen - gen) & genMask)
	switch {
	case age >= s.sends:
		return strayForeign // a generation this slot never sent
	case age == 0 && s.busy:
		return matched
	case age >= 64:
		return strayLate // too old to remember: most likely late
	}
	seen := s.past>>age&1 == 1
	s.past |= 1 << age
	if seen {
		return strayDuplicate
	}
	return strayLate
}

// find is the slot that an answer with id, which came on socket sock, is
// for, and what the answer is to it; a foreign id has no slot.
func (dr *drun) find(id uint64, sock int) (*dslot, strayKind) {
	salt, ci, si, gen := splitID(id)
	if salt != dr.salt || ci >= len(dr.clients) {
		return nil, strayForeign
	}
	c := dr.clients[ci]
	if c.sock != sock || si >= len(c.slots) {
		return nil, strayForeign // another socket's client: not for this one
	}
	s := &c.slots[si]
	return s, s.classify(gen)
}

// answered marks s's request in flight as answered.
func (s *dslot) answered() {
	s.busy = false
	s.past |= 1
}

// checkDatagram returns the error kind of a wrong answer to r, or "".
func checkDatagram(sums *checksums, r *dreq, a *protocol.DatagramAnswer) string {
	if a.Status != 200 {
		return statusKind(a.Status)
	}
	if !r.proof {
		return ""
	}
	units, sum, ok := protocol.ParseCPUBody(a.Body)
	switch {
	case !ok:
		return ErrBadBody
	case sums.get(units) != sum:
		return ErrChecksum
	}
	return ""
}
