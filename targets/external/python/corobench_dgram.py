"""The datagram form of corobench's protocol for the Python peers, written
once: protocol.ParseDatagram and targets.App.ReadDatagram/AnswerDatagram of
the Go module, translated line by line.

    request:  ID SP TARGET [LF BODY]
    answer:   ID SP STATUS LF BODY

One request per datagram, one answer per request; the id is the client's, and
the answer carries it back. A datagram with no id gets no answer: it is
dropped and counted, and /stats says how many (docs/datagrams.md). The
endpoints, their parameters and the work are corobench_proto's, so a Python
UDP server differs from the others only in how it reads, waits and answers.

Standard library only, so Debian's /usr/bin/python3 runs it as it is.
"""

import socketserver
import sys
import threading
import time

import corobench_proto as proto

# Bounds, as in protocol.
MAX_DATAGRAM = 65_507                 # the largest UDP payload over IPv4
MAX_DATAGRAM_REQUEST = 8 << 10        # a request, body included
MAX_ANSWER_HEAD = 20 + 1 + 3 + 1      # a 20-digit id, a space, a status, LF
MAX_DATAGRAM_ECHO = MAX_DATAGRAM - MAX_ANSWER_HEAD
MAX_ID = (1 << 64) - 1
MAX_ID_DIGITS = 20

# READ_BUFFER is what a server reads a datagram into: one byte more than a
# request may have, so that a longer one is seen as such (the kernel cuts it
# there) and answered 413, as targets.DatagramBuffer.
READ_BUFFER = MAX_DATAGRAM_REQUEST + 1

# MAX_IN_FLIGHT caps the requests a server that takes every datagram as it
# comes holds at once, as targets.MaxDatagramsInFlight: beyond it, it reads
# no more until some are answered.
MAX_IN_FLIGHT = 10_000

STATS = "/stats"

# ENDPOINTS are the paths the datagram form serves: HTTP's, but the file
# ones, and /stats.
ENDPOINTS = (proto.HEALTH, proto.CPU, proto.IO, proto.ECHO, proto.MIX, STATS)

TOO_LARGE = proto.ProtoError(413, "datagram exceeds %d bytes" % MAX_DATAGRAM_REQUEST)
BAD_SIZE = proto.ProtoError(
    400, "parameter size must be a whole number from 0 to %d in a datagram" % MAX_DATAGRAM_ECHO)
NO_TARGET = proto.ProtoError(400, "no target after the id")
BODY_NOT_ECHO = proto.ProtoError(400, "only /echo takes a body")
BODY_AND_SIZE = proto.ProtoError(400, "/echo takes a body or a size, not both")


class Datagram:
    """One request datagram: its id, its request, and the error to answer
    with instead, when it was refused."""
    __slots__ = ("id", "req", "err")

    def __init__(self, ident, req=None, err=None):
        self.id = ident
        self.req = req
        self.err = err

    def wait(self):
        """Seconds the server waits, its own way, before it answers."""
        return self.req.ms / 1000 if self.err is None and self.req.ms else 0


def cut_id(b):
    """The id at the start of b and what follows it, or (None, None) when b
    does not begin with 1 to 20 digits (a number below 2**64) followed by a
    space or nothing."""
    i = 0
    n = len(b)
    while i < n and 0x30 <= b[i] <= 0x39:
        if i == MAX_ID_DIGITS:
            return None, None
        i += 1
    if i == 0 or (i < n and b[i] != 0x20):
        return None, None
    ident = int(b[:i])
    if ident > MAX_ID:
        return None, None
    return ident, b[i:]


def parse_datagram(b):
    """Parses the request datagram b (bytes): a Datagram, whose err is the
    ProtoError to answer with, or None when b has no id to answer to."""
    ident, rest = cut_id(b)
    if ident is None:
        return None
    d = Datagram(ident)
    try:
        d.req = _parse(b, rest)
    except proto.ProtoError as err:
        d.err = err
    return d


def _parse(b, rest):
    if len(b) > MAX_DATAGRAM_REQUEST:
        raise TOO_LARGE
    if len(rest) < 2 or rest[0] != 0x20:
        raise NO_TARGET
    target, nl, body = rest[1:].partition(b"\n")
    if any(c <= 0x20 or c >= 0x7F for c in target):
        raise proto.ProtoError(400, "malformed request target")
    if target[:1] != b"/":
        raise proto.ProtoError(400, "request target must start with /")
    path, _, query = target.partition(b"?")
    endpoint = path.decode("latin-1")
    if endpoint not in ENDPOINTS:
        raise proto.ProtoError(404, "no such path")
    req = proto.Request()
    req.method, req.endpoint = proto.GET, endpoint
    proto._parse_query(query, req)
    if req.size > MAX_DATAGRAM_ECHO:
        raise BAD_SIZE
    if nl and body:
        if endpoint != proto.ECHO:
            raise BODY_NOT_ECHO
        if req.size:
            raise BODY_AND_SIZE
        req.method, req.body = proto.POST, body
    return req


def has_id(b):
    """Whether the datagram b has an id to answer to."""
    return cut_id(b)[0] is not None


def head(ident, status):
    return b"%d %d\n" % (ident, status)


class App:
    """Reads and answers datagrams the same way for every Python UDP server,
    and keeps the counts /stats gives: requests answered (/stats excluded)
    and datagrams dropped. A server whose requests are answered in other
    processes counts them itself with count_answered."""

    def __init__(self, model, rate):
        self.app = proto.App(model, rate)
        self.lock = threading.Lock()
        self.answered = 0
        self.dropped = 0

    def read(self, b):
        """Parses the datagram b; None (and one more drop counted) when it
        has no id to answer to."""
        d = parse_datagram(b)
        if d is None:
            self.count_dropped()
        return d

    def count_dropped(self):
        with self.lock:
            self.dropped += 1

    def count_answered(self):
        with self.lock:
            self.answered += 1

    def answer(self, d):
        """Does d's CPU work, if any, and returns its answer datagram. The
        server must already have waited d.wait(), its own way."""
        if d.err is not None:
            return head(d.id, d.err.status) + (d.err.reason + "\n").encode()
        if d.req.endpoint == STATS:
            return self.stats(d.id)
        self.count_answered()
        return head(d.id, 200) + self.app.body(d.req)

    def stats(self, ident):
        """The answer to /stats: requests answered, datagrams dropped."""
        with self.lock:
            return head(ident, 200) + b"requests %d\ndropped %d\n" % (self.answered, self.dropped)


def is_stats(d):
    """Whether d asks for /stats (which the parent of a forking server
    answers, since it holds the counts)."""
    return d.err is None and d.req.endpoint == STATS


class Handler(socketserver.DatagramRequestHandler):
    """socketserver's handler of one datagram, as every socketserver UDP
    server here runs it: parse, wait (a blocking sleep), work, and write the
    answer, which DatagramRequestHandler sends back to the datagram's
    source with sendto once handle returns."""

    def handle(self):
        d = parse_datagram(self.packet)  # verify_request let only ids in
        if d.wait():
            time.sleep(d.wait())
        self.wfile.write(self.server.app.answer(d))


class ServerMixIn:
    """What every socketserver UDP server here sets: the read buffer, and a
    verify_request that drops (and counts) a datagram with no id, so that
    the handler, whose finish sends whatever it wrote, never answers one."""
    allow_reuse_address = True
    max_packet_size = READ_BUFFER

    def verify_request(self, request, client_address):
        if has_id(request[0]):
            return True
        self.app.count_dropped()
        return False


if __name__ == "__main__":
    sys.exit("corobench_dgram is a module; run one of the *_udp_server.py peers")
