package protocol

import (
	"bytes"
	"errors"
	"strconv"
)

// The datagram form of the protocol: one request per datagram, one answer
// per request, the same endpoints and the same work as over HTTP. Each
// request carries an id the client chose, and its answer carries it back,
// so that a client matches answers to requests and can tell a lost,
// duplicated or late answer:
//
//	request: ID SP TARGET [LF BODY]
//	answer:  ID SP STATUS LF BODY
//
// ID is 1 to 20 decimal digits (a uint64); TARGET is a path and query as in
// HTTP (/cpu?us=100); a BODY, after a line feed, is for /echo, which
// answers it back. STATUS is HTTP's (200, 400, 404, 413), and the BODY of
// an answer is what the HTTP answer's body would be: an error's reason, or
// the proof of the CPU work. A datagram with no id to answer to (empty, or
// not beginning with digits and a space) gets no answer: the target drops
// it and counts it (see /stats). docs/datagrams.md has the details.

// Bounds of the datagram form.
const (
	// MaxDatagram is the largest UDP payload over IPv4 (65,535 bytes less
	// the IP and UDP headers): the largest answer.
	MaxDatagram = 65_507
	// MaxDatagramRequest bounds a request datagram, body included; a
	// longer one is answered 413.
	MaxDatagramRequest = 8 << 10
	// MaxAnswerHead is the longest head of an answer: a 20-digit id, a
	// space, a status and a line feed.
	MaxAnswerHead = 20 + 1 + 3 + 1
	// MaxDatagramEcho bounds /echo?size=N over datagrams, so that the
	// answer fits in one datagram.
	MaxDatagramEcho = MaxDatagram - MaxAnswerHead
	// maxIDDigits is the most digits an id has.
	maxIDDigits = 20
)

// Datagram is one parsed request datagram: its id and its request. Body
// aliases the datagram.
type Datagram struct {
	ID uint64
	Request
}

// ErrNoID is returned by ParseDatagram for a datagram that has no id to
// answer to: the target drops it (and counts it).
var ErrNoID = errors.New("protocol: datagram without an id to answer to")

var (
	errDatagramTooLarge = errf(413, "datagram exceeds %d bytes", MaxDatagramRequest)
	errDatagramSize     = errf(400, "parameter size must be a whole number from 0 to %d in a datagram", MaxDatagramEcho)
	errNoTarget         = errf(400, "no target after the id")
	errBodyNotEcho      = errf(400, "only /echo takes a body")
	errBodyAndSize      = errf(400, "/echo takes a body or a size, not both")
)

// ParseDatagram parses the request datagram b into d. It returns nil, an
// *Error to answer with under d.ID (which is set), or ErrNoID when b has no
// id (nothing can be answered). A target reads datagrams into a buffer of
// MaxDatagramRequest+1 bytes, so that a longer one is seen as such.
func ParseDatagram(b []byte, d *Datagram) error {
	*d = Datagram{}
	id, rest, ok := cutID(b)
	if !ok {
		return ErrNoID
	}
	d.ID = id
	switch {
	case len(b) > MaxDatagramRequest:
		return errDatagramTooLarge
	case len(rest) < 2 || rest[0] != ' ':
		return errNoTarget
	}
	target, body, hasBody := bytes.Cut(rest[1:], []byte{'\n'})
	for _, c := range target {
		if c <= ' ' || c >= 0x7f {
			return errf(400, "malformed request target")
		}
	}
	if len(target) == 0 || target[0] != '/' {
		return errf(400, "request target must start with /")
	}
	path, query, _ := bytes.Cut(target, []byte{'?'})
	// The datagram form has the HTTP endpoints but the file ones.
	if d.Endpoint = endpointOf(path); d.Endpoint == 0 || d.Endpoint == EndpointDisk {
		return errNoPath
	}
	d.Method = MethodGet
	if err := parseQuery(query, &d.Request); err != nil {
		return err
	}
	if d.Size > MaxDatagramEcho {
		return errDatagramSize
	}
	if hasBody && len(body) > 0 {
		switch {
		case d.Endpoint != EndpointEcho:
			return errBodyNotEcho
		case d.Size != 0:
			return errBodyAndSize
		}
		d.Method, d.Body = MethodPost, body
	}
	return nil
}

// cutID reads the id at the start of b: 1 to 20 digits that fit a uint64,
// followed by a space or nothing.
func cutID(b []byte) (id uint64, rest []byte, ok bool) {
	i := 0
	for ; i < len(b) && isDigit(b[i]); i++ {
		if i == maxIDDigits {
			return 0, nil, false
		}
		d := uint64(b[i] - '0')
		if id > (^uint64(0)-d)/10 {
			return 0, nil, false // overflows
		}
		id = id*10 + d
	}
	if i == 0 || (i < len(b) && b[i] != ' ') {
		return 0, nil, false
	}
	return id, b[i:], true
}

// AppendDatagramRequest appends a request datagram: id, target (a path and
// query), and body, if any (for /echo).
func AppendDatagramRequest(dst []byte, id uint64, target string, body []byte) []byte {
	return AppendDatagramTail(strconv.AppendUint(dst, id, 10), target, body)
}

// AppendDatagramTail appends what follows the id in a request datagram, so
// that a client encodes it once and writes only the id per request.
func AppendDatagramTail(dst []byte, target string, body []byte) []byte {
	dst = append(append(dst, ' '), target...)
	if len(body) > 0 {
		dst = append(append(dst, '\n'), body...)
	}
	return dst
}

// AppendDatagramHead appends the head of an answer to request id; the
// caller appends the body.
func AppendDatagramHead(dst []byte, id uint64, status int) []byte {
	dst = strconv.AppendUint(dst, id, 10)
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, int64(status), 10)
	return append(dst, '\n')
}

// AppendDatagramError appends the answer to request id refused with err:
// its status and its reason. An error that is not an *Error answers 400.
func AppendDatagramError(dst []byte, id uint64, err error) []byte {
	var pe *Error
	if !errors.As(err, &pe) {
		pe = &Error{Status: 400, Reason: err.Error()}
	}
	dst = AppendDatagramHead(dst, id, pe.Status)
	dst = append(dst, pe.Reason...)
	return append(dst, '\n')
}

// DatagramAnswer is one parsed answer datagram. Body aliases the datagram.
type DatagramAnswer struct {
	ID     uint64
	Status int
	Body   []byte
}

// ErrMalformedAnswer is returned by ParseDatagramAnswer for a datagram that
// is not an answer of this protocol.
var ErrMalformedAnswer = errors.New("protocol: malformed answer datagram")

// ParseDatagramAnswer parses the answer datagram b into a: the client's
// side of AppendDatagramHead.
func ParseDatagramAnswer(b []byte, a *DatagramAnswer) error {
	*a = DatagramAnswer{}
	id, rest, ok := cutID(b)
	// " 200\n": a space, three digits and a line feed.
	if !ok || len(rest) < 5 || rest[4] != '\n' || len(b) > MaxDatagram {
		return ErrMalformedAnswer
	}
	status, ok := parseStatus(rest[1:4])
	if !ok {
		return ErrMalformedAnswer
	}
	a.ID, a.Status, a.Body = id, status, rest[5:]
	return nil
}
