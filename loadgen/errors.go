package loadgen

import (
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"syscall"

	"github.com/corobench/corobench/protocol"
)

// The kinds of error a run counts. Bad statuses are counted per code, as
// "status 503".
const (
	ErrRefused   = "refused"   // connection refused: nothing listens
	ErrReset     = "reset"     // connection reset by the target
	ErrClosed    = "closed"    // the target closed the connection mid-response
	ErrTimeout   = "timeout"   // connect or request took longer than the timeout
	ErrMalformed = "malformed" // the response is not valid HTTP/1.1
	ErrUnasked   = "unasked"   // the target sent more than a little while no request was in flight
	// Each bound of a response has its kind (see protocol's bounds).
	ErrHeadTooLarge = "head too large"      // status line and headers over protocol.MaxResponseHead
	ErrBodyTooLarge = "body too large"      // a body over the body bound (WithMaxBody), announced or received
	ErrChunkLine    = "chunk line too long" // a chunk-size line over protocol.MaxChunkLine
	ErrTrailers     = "trailers too large"  // trailers over protocol.MaxResponseHead
	ErrInterim      = "too many 1xx"        // more than protocol.MaxInterim interim answers
	ErrTLS          = "tls"                 // the TLS handshake failed
	ErrBadBody      = "bad body"            // /cpu or /mix answered without the proof of its work
	ErrChecksum     = "checksum"            // /cpu answered a wrong checksum, or claims other work than was asked: the work was not done
	ErrConnect      = "connect"             // connecting failed otherwise
	ErrOther        = "other"               // any other failure
)

// statusKind is the error kind of an unexpected status.
func statusKind(code int) string { return "status " + strconv.Itoa(code) }

// kindOf classifies a network error.
func kindOf(err error, connecting bool) string {
	var ne net.Error
	var te *tlsError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return ErrRefused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return ErrReset
	case errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return ErrTimeout
	case errors.As(err, &te):
		return ErrTLS
	case errors.Is(err, protocol.ErrMalformedResponse):
		return ErrMalformed
	case errors.Is(err, protocol.ErrHeadTooLarge):
		return ErrHeadTooLarge
	case errors.Is(err, protocol.ErrBodyTooLarge):
		return ErrBodyTooLarge
	case errors.Is(err, protocol.ErrChunkLineTooLong):
		return ErrChunkLine
	case errors.Is(err, protocol.ErrTrailersTooLarge):
		return ErrTrailers
	case errors.Is(err, protocol.ErrTooManyInterim):
		return ErrInterim
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return ErrClosed
	case connecting:
		return ErrConnect
	}
	return ErrOther
}
