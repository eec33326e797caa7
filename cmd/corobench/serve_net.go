package main

import (
	"context"
	"fmt"
	"net"

	"github.com/corobench/corobench/targets"
)

// listener is a model made for one transport, with the socket it serves.
type listener struct {
	addr net.Addr
	// srv is the server, for its Parallelism and, if it has one, Ready.
	srv interface{ Parallelism() targets.Parallelism }
	// serve serves until ctx ends.
	serve func(ctx context.Context) error
	// close closes the socket once serve has returned.
	close func() error
}

// listen opens the socket of transport network on addr and makes m's
// server for it.
func listen(network, addr string, m targets.Model, cfg targets.Config) (*listener, error) {
	t := targets.Transport(network)
	if !m.Serves(t) {
		return nil, fmt.Errorf("%w: %s does not serve %s; it serves %v", errUsage, m.Name, network, m.Transports)
	}
	switch t {
	case targets.TCP:
		return listenStream(addr, func() targets.Server { return m.New(cfg) })
	case targets.UDP:
		return listenDatagrams(addr, func() targets.DatagramServer { return m.NewDatagram(cfg) })
	}
	return nil, fmt.Errorf("%w: -net %q: want tcp or udp", errUsage, network)
}

// listenStream listens on the TCP address addr for the server mk makes.
func listenStream(addr string, mk func() targets.Server) (*listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	srv := mk()
	return &listener{addr: ln.Addr(), srv: srv, serve: func(ctx context.Context) error { return srv.Serve(ctx, ln) },
		close: func() error { return nil }}, nil // Serve closes its listener
}

// listenDatagrams opens the UDP socket addr for the server mk makes.
func listenDatagrams(addr string, mk func() targets.DatagramServer) (*listener, error) {
	srv := mk()
	pc, err := targets.ListenDatagrams(addr, srv)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	return &listener{addr: pc.LocalAddr(), srv: srv, serve: func(ctx context.Context) error { return srv.ServeDatagrams(ctx, pc) },
		close: pc.Close}, nil
}

// loopback reports whether a is a loopback address.
func loopback(a net.Addr) bool {
	switch a := a.(type) {
	case *net.TCPAddr:
		return a.IP.IsLoopback()
	case *net.UDPAddr:
		return a.IP.IsLoopback()
	}
	return true
}
