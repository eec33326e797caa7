package loadgen

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// kernelDrops counts, from /proc, the datagrams the kernel dropped over the
// measured window: at the target's sockets (those bound to its port, when
// it runs on this machine) and at the client's (those connected to it), by
// the drops column of /proc/net/udp; and on the whole machine, for a full
// receive buffer (RcvbufErrors of /proc/net/snmp and snmp6).
//
// The target's own count is the one to trust: RcvbufErrors counts every
// socket of the machine, so another program's drops show there too. When
// no socket on this machine is bound to the target's port (it runs
// elsewhere), the target's count is not known (-1), and only the
// machine's is left, which says nothing of the target's.
type kernelDrops struct {
	addr string // the target's address as /proc/net/udp writes it, the same in its local and remote columns
	any  string // the unspecified address and the target's port
	file string // /proc/net/udp or udp6

	mu                     sync.Mutex
	marked, local0         bool // local0: the target's sockets were seen at the mark
	t0, c0, r0             int64
	target, client, rcvbuf int64
}

func newKernelDrops(a *net.UDPAddr) *kernelDrops {
	k := &kernelDrops{target: -1, client: -1, rcvbuf: -1, file: "/proc/net/udp"}
	ip, zero := a.IP.To4(), make([]byte, 4)
	if ip == nil {
		ip, zero, k.file = a.IP.To16(), make([]byte, 16), "/proc/net/udp6"
	}
	k.addr, k.any = procAddr(ip, a.Port), procAddr(zero, a.Port)
	return k
}

// procAddr is an address as /proc/net/udp writes it: each 32-bit word of
// the address in hex as the machine stores it, a colon, the port in hex.
func procAddr(ip []byte, port int) string {
	var b strings.Builder
	for i := 0; i+4 <= len(ip); i += 4 {
		fmt.Fprintf(&b, "%08X", binary.NativeEndian.Uint32(ip[i:i+4]))
	}
	fmt.Fprintf(&b, ":%04X", port)
	return b.String()
}

// mark takes the counts at the start of the measured window.
func (k *kernelDrops) mark() {
	t, c, local, err := k.sockets()
	r, rerr := rcvbufErrors()
	k.mu.Lock()
	defer k.mu.Unlock()
	if err == nil && rerr == nil {
		k.marked, k.local0, k.t0, k.c0, k.r0 = true, local, t, c, r
	}
}

// finish takes the counts at the end and keeps the differences; what could
// not be read stays -1.
func (k *kernelDrops) finish() {
	t, c, local, err := k.sockets()
	r, rerr := rcvbufErrors()
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.marked || err != nil || rerr != nil {
		return
	}
	k.client, k.rcvbuf = max(c-k.c0, 0), max(r-k.r0, 0)
	if k.local0 || local {
		k.target = max(t-k.t0, 0)
	}
}

// sockets sums the drops of the target's sockets and of those connected to
// it; local says whether any socket is bound to the target's port. A
// target socket that closed between the two reads takes its count with it:
// the difference is then a floor.
func (k *kernelDrops) sockets() (target, client int64, local bool, err error) {
	f, err := os.Open(k.file)
	if err != nil {
		return 0, 0, false, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 13 || !strings.HasSuffix(fields[0], ":") {
			continue
		}
		drops, err := strconv.ParseInt(fields[12], 10, 64)
		if err != nil {
			continue
		}
		switch {
		case fields[1] == k.addr || fields[1] == k.any: // bound to the target's port
			target += drops
			local = true
		case fields[2] == k.addr: // connected to the target
			client += drops
		}
	}
	return target, client, local, sc.Err()
}

// rcvbufErrors is the machine's count of UDP datagrams dropped for a full
// receive buffer, over IPv4 and IPv6.
func rcvbufErrors() (int64, error) {
	v4, err := snmpField("/proc/net/snmp", "Udp:", "RcvbufErrors")
	if err != nil {
		return 0, err
	}
	v6, _ := snmpField("/proc/net/snmp6", "", "Udp6RcvbufErrors") // absent without IPv6
	return v4 + v6, nil
}

// snmpField reads a counter of /proc/net/snmp (a line of names after
// prefix, then a line of values) or, with no prefix, of /proc/net/snmp6
// (a name and a value a line).
func snmpField(file, prefix, name string) (int64, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	lines := strings.Split(string(data), "\n")
	for i, line := range lines {
		f := strings.Fields(line)
		if prefix == "" {
			if len(f) == 2 && f[0] == name {
				return strconv.ParseInt(f[1], 10, 64)
			}
			continue
		}
		if len(f) == 0 || f[0] != prefix || i+1 >= len(lines) {
			continue
		}
		values := strings.Fields(lines[i+1])
		for j, n := range f {
			if n == name && j < len(values) {
				return strconv.ParseInt(values[j], 10, 64)
			}
		}
		return 0, fmt.Errorf("loadgen: %s: no %s", file, name)
	}
	return 0, fmt.Errorf("loadgen: %s: no %s", file, name)
}

// socketDrops is the kernel's count of datagrams dropped at conn's own
// socket, its receive buffer full: sk_drops, which /proc/net/udp shows
// in its drops column, read with SO_MEMINFO; -1 when it cannot be read.
func socketDrops(conn net.Conn) int64 {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return -1
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return -1
	}
	var (
		info  [unix.SK_MEMINFO_VARS]uint32
		errno syscall.Errno
	)
	size := uint32(unsafe.Sizeof(info))
	err = raw.Control(func(fd uintptr) {
		_, _, errno = unix.Syscall6(unix.SYS_GETSOCKOPT, fd, unix.SOL_SOCKET, unix.SO_MEMINFO,
			uintptr(unsafe.Pointer(&info)), uintptr(unsafe.Pointer(&size)), 0)
	})
	if err != nil || errno != 0 || size < uint32(4*(unix.SK_MEMINFO_DROPS+1)) {
		return -1
	}
	return int64(info[unix.SK_MEMINFO_DROPS])
}

// shrinkSocket makes c's socket a slow reader's: a receive buffer of
// ChatSlowRcvbuf and, over TCP, segments of at most ChatSlowMSS bytes, so
// that the peer sizes its send buffer for them (a peer sizes it by the
// segment: over loopback, 64 KiB segments would have it hold megabytes).
func shrinkSocket(network string, c syscall.RawConn) error {
	var serr error
	err := c.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUF, ChatSlowRcvbuf)
		if serr == nil && network != NetUDP && network != "udp4" && network != "udp6" {
			serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_MAXSEG, ChatSlowMSS)
		}
	})
	return cmp.Or(err, serr)
}
