package process

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/internal/poller"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/internal/blocking"
	"github.com/corobench/corobench/targets/internal/spawn"
)

// ServeDatagrams implements targets.DatagramServer.
func (s *DatagramServer) ServeDatagrams(ctx context.Context, pc net.PacketConn) error {
	if len(s.self) == 0 {
		return spawn.ErrNoSelf
	}
	sc, ok := pc.(syscall.Conn)
	if !ok {
		return fmt.Errorf("process: %T has no file descriptor to hand over", pc)
	}
	// The children's socket, inherited at their start: a duplicate made
	// here, not pc's File, whose Fd (which starting a child calls) would
	// make the socket, shared with pc, blocking.
	fd, err := poller.SocketFD(sc)
	if err != nil {
		return fmt.Errorf("process: %w", err)
	}
	sock := os.NewFile(uintptr(fd), "datagram socket")
	defer sock.Close()
	var children spawn.Group
	defer children.Stop(spawn.DefaultGrace)
	return targets.EachDatagram(ctx, pc, s.max, func(j *targets.DatagramJob) {
		var d targets.Datagram
		switch {
		case !s.app.ReadDatagram(j.Datagram, &d):
			j.Done() // dropped, and counted
			return
		case isStats(&d):
			targets.WriteDatagramTo(pc, s.app.AnswerDatagram(nil, &d), j.From)
			j.Done()
			return
		}
		refused := d.Err != nil
		err := children.Start(s.self, spawn.Datagram, s.app, sock, spawn.Options{
			Stdin: handOver(j.From, j.Datagram),
			Stop:  func(*os.Process) {}, // a child ends with its one answer
			Exited: func(err error) {
				if err == nil && !refused {
					s.app.CountAnswered()
				}
				j.Done()
			},
		})
		if err != nil {
			j.Done()
			fmt.Fprintf(os.Stderr, "process: %v\n", err) // this datagram is lost; the server is not
		}
	})
}

// sleep blocks the child's thread for d.
func sleep(d time.Duration) { blocking.Sleep(d) }

// sendTo sends b to addr on the datagram socket sock, with one sendto.
func sendTo(sock *os.File, b []byte, addr netip.AddrPort) error {
	var sa unix.Sockaddr
	if a := addr.Addr(); a.Is4() || a.Is4In6() {
		sa = &unix.SockaddrInet4{Port: int(addr.Port()), Addr: a.Unmap().As4()}
	} else {
		sa = &unix.SockaddrInet6{Port: int(addr.Port()), Addr: a.As16()}
	}
	raw, err := sock.SyscallConn()
	if err != nil {
		return fmt.Errorf("process: %w", err)
	}
	var sendErr error
	// The socket is non-blocking, shared with the parent: a full buffer
	// waits in the poller.
	if err := raw.Write(func(fd uintptr) bool {
		sendErr = unix.Sendto(int(fd), b, 0, sa)
		return sendErr != unix.EAGAIN
	}); err != nil {
		return fmt.Errorf("process: %w", err)
	}
	if sendErr != nil {
		return fmt.Errorf("process: sendto %s: %w", addr, sendErr)
	}
	return nil
}
