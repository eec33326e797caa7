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
	ErrMalformed = "malformed" // the response is not valid HTTP of this protocol
	ErrBadBody   = "bad body"  // /cpu or /mix answered without the proof of its work
	ErrChecksum  = "checksum"  // /cpu answered a wrong checksum: the work was not done
	ErrConnect   = "connect"   // connecting failed otherwise
	ErrOther     = "other"     // any other failure
)

// statusKind is the error kind of an unexpected status.
func statusKind(code int) string { return "status " + strconv.Itoa(code) }

// kindOf classifies a network error.
func kindOf(err error, connecting bool) string {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return ErrRefused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return ErrReset
	case errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return ErrTimeout
	case errors.Is(err, protocol.ErrMalformedResponse):
		return ErrMalformed
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return ErrClosed
	case connecting:
		return ErrConnect
	}
	return ErrOther
}
