package eventloop

import (
	"fmt"

	"github.com/corobench/corobench/internal/poller"
	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/internal/evloop"
)

// Sizes of a loop's buffers. Reads land in the loop's one read buffer and
// answers are built in its one write buffer; a connection borrows a pooled
// buffer (targets.BufferSize) only for bytes left over.
const (
	readBufferSize = 64 << 10
	keptBuffers    = 1024
)

// Loop is one event loop whose connections are callbacks on readiness and
// timers, on the one OS thread that runs it (see evloop.Loop: Run, and for
// reactors OnAccept, Open, Wake and OnWake).
type Loop struct {
	*evloop.Loop[*conn]
	app       *targets.App
	bufs      *poller.Buffers
	rbuf      []byte
	wbuf      []byte
	edge      bool // told of each socket once per change: read until EAGAIN
	onRequest func(*protocol.Request)
	pool      *filePool // the file threads, if any (OffloadFiles)
	onWake    func()
	onFileJob func() // set by tests: run on a file thread before each job
	// req is the request being answered: on the stack, onRequest's pointer
	// to it would move it to the heap, an allocation per request.
	req protocol.Request
}

// NewLoop returns a loop on level-triggered epoll serving app. Run runs it;
// it cannot be run twice.
func NewLoop(app *targets.App) (*Loop, error) { return newLoop(app, epollLevel) }

// newLoop returns a loop waiting in call.
func newLoop(app *targets.App, call readiness) (*Loop, error) {
	mux, err := newMux(call)
	if err != nil {
		return nil, fmt.Errorf("eventloop: %w", err)
	}
	l := &Loop{
		app:  app,
		bufs: poller.NewBuffers(targets.BufferSize, keptBuffers),
		rbuf: make([]byte, readBufferSize),
		wbuf: make([]byte, 0, readBufferSize),
		edge: call == epollEdge,
	}
	l.Loop = evloop.New(mux, app.ShutdownGrace, evloop.Handler[*conn]{
		Open: l.add, Ready: l.ready, Expire: l.expire, Resume: l.resume, Stop: l.settle, Close: l.close,
		Refuse: l.refuse,
	})
	return l, nil
}

// newMux makes the multiplexer of a readiness call.
func newMux(call readiness) (evloop.Multiplexer, error) {
	switch call {
	case epollEdge:
		return newEdge()
	case selectCall:
		return newSelect()
	case pollCall:
		return newPoll()
	}
	return poller.New()
}

// OnRequest sets a function the loop calls on its thread before it answers
// each request, for tests and tracing. Call it before Run.
func (l *Loop) OnRequest(f func(*protocol.Request)) { l.onRequest = f }
