// Package external lists corobench's peers: servers in other languages that
// speak corobench's protocol, so that Python's and Node's own concurrency
// models stand in the same table as Go's, measured by the same harness.
//
// The servers themselves live beside this file (python/, node/); the Python
// ones share one protocol module (and the UDP ones one datagram module), so
// that only their concurrency differs, as with Go's models. This package
// only names them: the command that runs each one and the check that says
// whether this machine can. Its tests run the conformance suite (over UDP,
// the datagram suite) against every peer that is installed, and check that
// each language's unit of work gives Go's checksums.
package external

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// Interpreters the peers run under. Python is Debian's, explicitly: a
// pyenv or virtualenv python3 earlier on PATH would have no gevent, and
// results are comparable only under one interpreter.
const (
	Python = "/usr/bin/python3"
	Node   = "/usr/bin/node"
)

// Peer is one external target.
type Peer struct {
	// Name is the model name the peer answers /health with.
	Name string
	// Argv runs the peer; paths are relative to this directory, and the
	// placeholder {port} stands for the port to listen on.
	Argv []string
	// Check exits zero when this machine can run the peer.
	Check []string
	// Parallelism is how many cores the peer's CPU work can use at once
	// (0: all of them).
	Parallelism int
	// Package is the Debian package that provides what the peer needs.
	Package string
	// Net is the transport it serves: "" for TCP (HTTP/1.1), or "udp" for
	// the datagram form of the protocol (docs/datagrams.md).
	Net string
}

// UDP is Peer.Net of a peer that serves datagrams.
const UDP = "udp"

// Peers returns the list of peers.
func Peers() []Peer {
	py := func(name, script string, parallelism int, check string) Peer {
		return Peer{
			Name:        name,
			Argv:        []string{Python, "python/" + script, "--port", "{port}"},
			Check:       []string{Python, "-c", check},
			Parallelism: parallelism,
			Package:     "python3",
		}
	}
	gevent := py("python-gevent", "gevent_server.py", 1, "import gevent")
	gevent.Package = "python3-gevent"
	udp := func(p Peer) Peer {
		p.Net = UDP
		return p
	}
	return []Peer{
		py("python-threads", "threading_server.py", 1, "import socketserver"), // the GIL: one core
		py("python-fork", "forking_server.py", 0, "import socketserver"),
		py("python-asyncio", "asyncio_server.py", 1, "import asyncio; asyncio.timeout"),
		gevent,
		{
			Name:        "node",
			Argv:        []string{Node, "node/server.js", "--port", "{port}"},
			Check:       []string{Node, "-e", "require('http')"},
			Parallelism: 1,
			Package:     "nodejs",
		},
		// The textbook's UDP servers: socketserver's three and asyncio's.
		udp(py("python-udp", "udp_server.py", 1, "import socketserver")),
		udp(py("python-udp-fork", "forking_udp_server.py", 0, "import socketserver")),
		udp(py("python-udp-threads", "threading_udp_server.py", 1, "import socketserver")),
		udp(py("python-udp-asyncio", "asyncio_udp_server.py", 1, "import asyncio")),
	}
}

// ChatPeers returns the peers that serve the chat protocol (docs/chat.md)
// rather than corobench's request protocol: the textbook's UDP chat room.
func ChatPeers() []Peer {
	return []Peer{{
		Name:        "python-chat-udp",
		Argv:        []string{Python, "python/chat_udp_server.py", "--port", "{port}"},
		Check:       []string{Python, "-c", "import socket"},
		Parallelism: 1,
		Package:     "python3",
		Net:         UDP,
	}}
}

// ChatTCPPeers returns the peers that serve the chat protocol over TCP:
// gevent's room, a greenlet per member and a bounded outbox each. They are
// kept apart from ChatPeers, whose members speak UDP.
func ChatTCPPeers() []Peer {
	return []Peer{{
		Name:        "python-chat-gevent",
		Argv:        []string{Python, "python/chat_gevent_server.py", "--port", "{port}"},
		Check:       []string{Python, "-c", "import gevent.server"},
		Parallelism: 1,
		Package:     "python3-gevent",
	}}
}

// Command is p's command line with the port filled in and its script's path
// made relative to root, the repository's root directory.
func (p Peer) Command(root, port string) []string {
	argv := make([]string, len(p.Argv))
	for i, a := range p.Argv {
		a = strings.ReplaceAll(a, "{port}", port)
		if i == 1 {
			a = filepath.Join(root, "targets", "external", a)
		}
		argv[i] = a
	}
	return argv
}

// Available runs p's check and returns nil when the peer can run here, or
// an error that says in one line why not.
func (p Peer) Available() error {
	out, err := exec.Command(p.Check[0], p.Check[1:]...).CombinedOutput()
	if err != nil {
		msg := strings.TrimSpace(string(out))
		if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
			msg = msg[i+1:]
		}
		if msg == "" {
			msg = err.Error()
		}
		return fmt.Errorf("external: %s not installed (%s); run make peers or apt-get install %s", p.Name, msg, p.Package)
	}
	return nil
}
