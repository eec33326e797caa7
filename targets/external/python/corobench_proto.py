"""corobench's protocol and work for the Python peers, written once.

This is protocol and work of the Go module, translated line by
line: the same HTTP/1.1 subset, the same bounds and error answers, the same
unit of CPU work (one xorshift32 step) calibrated the same way. Every Python
server imports it, so that -- as in Go -- only the concurrency differs between
them: serve_conn is the blocking per-connection loop that the thread, fork and
gevent servers share; the asyncio server drives parse_request and respond from
its own coroutine.

Standard library only, so Debian's /usr/bin/python3 runs it as it is.
"""

import argparse
import json
import math
import os
import signal
import socket
import sys
import time

# Bounds, as in protocol.
MAX_HEADER_BYTES = 8 << 10
MAX_BODY_BYTES = 1 << 20
MAX_CPU_MICROS = 1_000_000
MAX_CPU_UNITS = 600_000_000  # about a second of work, as us
MAX_WAIT_MILLIS = 60_000
MAX_DISK_KB = 64 << 10
# MAX_STREAM_BYTES bounds the body of PUT /files/NAME, which is streamed to
# the file store, not buffered; the store's own limit is far lower.
MAX_STREAM_BYTES = 1 << 40

# Connection time bounds, as targets.DefaultIdleTimeout and DefaultRequestTimeout.
IDLE_TIMEOUT = 60.0
REQUEST_TIMEOUT = 10.0

SEED = 2463534242
MASK = 0xFFFFFFFF

GET, POST, PUT, DELETE, OTHER = "GET", "POST", "PUT", "DELETE", "OTHER"
HEALTH, CPU, IO, ECHO, MIX = "/health", "/cpu", "/io", "/echo", "/mix"
FILES, DISK = "/files/", "/disk"  # served by corobench_files

STATUS_TEXT = {
    200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
    408: "Request Timeout", 413: "Content Too Large",
    431: "Request Header Fields Too Large", 500: "Internal Server Error",
    501: "Not Implemented", 503: "Service Unavailable",
    505: "HTTP Version Not Supported", 507: "Insufficient Storage",
}

TOKEN = frozenset(b"!#$%&'*+-.^_`|~0123456789"
                  b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
DIGITS = frozenset(b"0123456789")


def spin(units):
    """Does units steps of xorshift32 from SEED and returns the final state."""
    x = SEED
    for _ in range(units):
        x ^= (x << 13) & MASK
        x ^= x >> 17
        x ^= (x << 5) & MASK
    return x


# CALIBRATION_SLICE is the units of one timed slice: about a millisecond of
# CPython, as work.Calibrate's 1<<18 units are a quarter of one in Go.
CALIBRATION_SLICE = 1 << 12


def calibrate(total=0.060):
    """Units of work per microsecond: the fastest of short equal slices, timed
    for about total seconds, as work.Calibrate does."""
    spin(CALIBRATION_SLICE)  # warm up
    best = math.inf
    deadline = time.perf_counter() + total
    trials = 0
    while trials < 5 or time.perf_counter() < deadline:
        start = time.perf_counter()
        spin(CALIBRATION_SLICE)
        d = time.perf_counter() - start
        if 0 < d < best:
            best = d
        trials += 1
    return CALIBRATION_SLICE / (best * 1e6)


class ProtoError(Exception):
    """A refused request: status to answer with, reason why."""

    def __init__(self, status, reason):
        super().__init__(reason)
        self.status = status
        self.reason = reason


class Request:
    __slots__ = ("method", "endpoint", "us", "n", "ms", "size", "body", "close",
                 "name", "kb", "sync", "length", "stream")

    def __init__(self):
        self.method = OTHER
        self.endpoint = None
        self.us = self.n = self.ms = self.size = self.kb = self.sync = 0
        self.body = b""
        self.close = False
        # /files/NAME: the name, undecoded; a download (GET NAME) or an
        # upload (PUT NAME, its body of length bytes left on the
        # connection) is streamed: stream is set.
        self.name = b""
        self.length = 0
        self.stream = False


def _uint(v, maximum):
    """A decimal whole number no larger than maximum, or None."""
    if not v or len(v) > 19 or not DIGITS.issuperset(v):
        return None
    n = int(v)
    return n if n <= maximum else None


# What each endpoint takes: name -> (attribute, maximum, required).
PARAMS = {
    HEALTH: {},
    CPU: {b"us": ("us", MAX_CPU_MICROS, False), b"n": ("n", MAX_CPU_UNITS, False)},
    IO: {b"ms": ("ms", MAX_WAIT_MILLIS, True)},
    ECHO: {b"size": ("size", MAX_BODY_BYTES, False)},
    MIX: {b"us": ("us", MAX_CPU_MICROS, True), b"ms": ("ms", MAX_WAIT_MILLIS, True)},
    FILES: {},
    DISK: {b"kb": ("kb", MAX_DISK_KB, True), b"sync": ("sync", 1, False)},
}


def _parse_query(q, req):
    allowed = PARAMS.get(req.endpoint, {})  # /stats (datagrams) takes nothing
    seen = set()
    for kv in q.split(b"&"):
        if not kv:
            continue
        key, _, val = kv.partition(b"=")
        p = allowed.get(key)
        if p is None:
            raise ProtoError(400, "unknown parameter %r" % key.decode("latin-1"))
        if key in seen:
            raise ProtoError(400, "parameter %r given twice" % key.decode("latin-1"))
        seen.add(key)
        v = _uint(val, p[1])
        if v is None:
            raise ProtoError(400, "parameter %s must be a whole number from 0 to %d"
                             % (key.decode(), p[1]))
        setattr(req, p[0], v)
    for key, p in allowed.items():
        if p[2] and key not in seen:
            raise ProtoError(400, "parameter %s is required" % key.decode())
    if req.endpoint == CPU and not seen:
        raise ProtoError(400, "parameter us or n is required")


def _parse_target(target, req):
    if any(c <= 0x20 or c >= 0x7F for c in target):
        raise ProtoError(400, "malformed request target")
    if target.startswith(b"http://"):
        rest = target[7:]
        slash = rest.find(b"/")
        if slash <= 0:
            raise ProtoError(400, "malformed absolute request target")
        target = rest[slash:]
    if target[:1] != b"/":
        raise ProtoError(400, "request target must start with /")
    path, _, query = target.partition(b"?")
    if path.startswith(b"/files/"):
        req.endpoint, req.name = FILES, path[7:]
        if not (req.method == GET or (req.name and req.method in (PUT, DELETE))):
            raise ProtoError(405, "method not allowed on this path")
        req.stream = bool(req.name) and req.method in (GET, PUT)
        _parse_query(query, req)
        return
    endpoint = path.decode("latin-1")
    if endpoint not in PARAMS:
        raise ProtoError(404, "no such path")
    req.endpoint = endpoint
    if not (req.method == GET or (endpoint == ECHO and req.method == POST)):
        raise ProtoError(405, "method not allowed on this path")
    _parse_query(query, req)


def _parse_request_line(line, req):
    """Returns whether the request is HTTP/1.0."""
    method, sp, rest = line.partition(b" ")
    if not sp or not method:
        raise ProtoError(400, "malformed request line")
    target, sp, version = rest.partition(b" ")
    if not sp or not target:
        raise ProtoError(400, "malformed request line")
    if not TOKEN.issuperset(method):
        raise ProtoError(400, "malformed method")
    if version == b"HTTP/1.1":
        http10 = False
    elif version == b"HTTP/1.0":
        http10 = True
    elif (len(version) == 8 and version.startswith(b"HTTP/") and version[5] in DIGITS
          and version[6:7] == b"." and version[7] in DIGITS):
        raise ProtoError(505, "version %s not supported" % version.decode())
    else:
        raise ProtoError(400, "malformed version")
    req.method = {b"GET": GET, b"POST": POST, b"PUT": PUT, b"DELETE": DELETE}.get(bytes(method), OTHER)
    _parse_target(target, req)
    return http10


def _parse_length(v, limit=MAX_BODY_BYTES):
    if not v:
        raise ProtoError(400, "empty Content-Length")
    if not DIGITS.issuperset(v):
        raise ProtoError(400, "malformed Content-Length")
    digits = v.lstrip(b"0")
    # Fourteen digits hold any length up to the bounds; more are over them
    # (and int() would refuse thousands of them).
    n = int(digits) if 0 < len(digits) <= 14 else (0 if not digits else limit + 1)
    if n > limit:
        raise ProtoError(413, "body exceeds %d bytes" % limit)
    return n


def parse_request(buf):
    """Parses the first request in buf (bytes or bytearray).

    Returns (n, request): the bytes the request used, or (0, None) when buf
    does not yet hold a whole request. Raises ProtoError for a request to
    refuse; the connection must then be answered with it and closed.
    """
    end = buf.find(b"\r\n\r\n", 0, MAX_HEADER_BYTES)
    if end < 0:
        head = buf[:MAX_HEADER_BYTES]
        if head.count(b"\n") != head.count(b"\r\n"):
            raise ProtoError(400, "line not ended by CRLF")
        if len(buf) >= MAX_HEADER_BYTES:
            raise ProtoError(431, "request line and headers exceed %d bytes" % MAX_HEADER_BYTES)
        return 0, None
    req = Request()
    lines = bytes(buf[:end]).split(b"\r\n")
    http10 = _parse_request_line(lines[0], req)
    host = close = keep_alive = chunked = False
    length = -1
    for line in lines[1:]:
        if line[:1] in (b" ", b"\t"):
            raise ProtoError(400, "obsolete header line folding")
        name, colon, value = line.partition(b":")
        if not colon or not name:
            raise ProtoError(400, "malformed header line")
        if not TOKEN.issuperset(name):
            raise ProtoError(400, "malformed header name")
        if any((c < 0x20 and c != 0x09) or c == 0x7F for c in value):
            raise ProtoError(400, "control character in header value")
        value = value.strip(b" \t")
        name = name.lower()
        if name == b"content-length":
            n = _parse_length(value, MAX_STREAM_BYTES if req.method == PUT and req.stream else MAX_BODY_BYTES)
            if length >= 0 and n != length:
                raise ProtoError(400, "conflicting Content-Length headers")
            length = n
        elif name == b"transfer-encoding":
            chunked = True
        elif name == b"host":
            if host:
                raise ProtoError(400, "more than one Host header")
            host = True
        elif name == b"connection":
            for opt in value.split(b","):
                opt = opt.strip(b" \t").lower()
                if opt == b"close":
                    close = True
                elif opt == b"keep-alive":
                    keep_alive = True
    if chunked and length >= 0:
        raise ProtoError(400, "both Transfer-Encoding and Content-Length")
    if chunked:
        raise ProtoError(501, "Transfer-Encoding is not supported; send Content-Length")
    if not http10 and not host:
        raise ProtoError(400, "HTTP/1.1 request without Host")
    if req.endpoint == ECHO and req.method == POST and req.size != 0:
        raise ProtoError(400, "POST /echo takes a body, not size")
    req.close = close or (http10 and not keep_alive)
    header_len = end + 4
    if req.method == PUT and req.stream:
        req.length = max(length, 0)
        return header_len, req  # the body follows on the connection
    total = header_len + max(length, 0)
    if len(buf) < total:
        return 0, None
    req.body = bytes(buf[header_len:total])
    return total, req


def header(status, length, close):
    """A response's status line and headers for a body of length bytes."""
    return ("HTTP/1.1 %d %s\r\nServer: corobench\r\nContent-Type: text/plain\r\nContent-Length: %d%s\r\n\r\n"
            % (status, STATUS_TEXT.get(status, "Unknown"), length,
               "\r\nConnection: close" if close else "")).encode()


def error_response(err):
    """The answer to a refused request; it always closes the connection."""
    body = (err.reason + "\n").encode()
    return header(err.status, len(body), True) + body


REQUEST_TIMEOUT_ERROR = ProtoError(408, "request not received in time")

# FILLER is what GET /echo?size=N answers with, repeated: the same bytes as
# targets.App's.
FILLER = bytes(ord("a") + i % 26 for i in range(4096))


class App:
    """Answers requests the same way for every Python model."""

    def __init__(self, model, rate, store=None):
        self.model = model
        self.rate = rate
        self.store = store  # corobench_files.Store of --root, or None

    def units(self, us):
        """Units of work for us microseconds, rounded half away from zero as
        Go's math.Round."""
        return int(math.floor(self.rate * us + 0.5))

    def respond(self, req):
        """Does the request's CPU work, if any, and returns its response. The
        model must already have waited req.ms, its own way."""
        if req.endpoint in (FILES, DISK):
            import corobench_files  # it imports this module
            return corobench_files.respond(self.store, req)
        body = self.body(req)
        return header(200, len(body), req.close) + body

    def body(self, req):
        """Does the request's CPU work, if any, and returns the body of its
        answer, as over HTTP so over datagrams (which have no files)."""
        if req.endpoint == HEALTH:
            body = (self.model + "\n").encode()
        elif req.endpoint in (CPU, MIX):
            units = req.n or self.units(req.us)
            body = b"units=%d checksum=%08x\n" % (units, spin(units))
        elif req.endpoint == IO:
            body = b"ok\n"
        elif req.method == POST:
            body = req.body
        else:
            whole, part = divmod(req.size, len(FILLER))
            body = FILLER * whole + FILLER[:part]
        return body


def linger(sock):
    """Closes the sending side and reads what the client still sends, for a
    short while, so that an error answer is not destroyed by a reset (as
    targets.Linger)."""
    try:
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(1.0)
        got = 0
        while got < 256 << 10:
            data = sock.recv(4096)
            if not data:
                return
            got += len(data)
    except OSError:
        pass


def serve_conn(sock, app, sleep=time.sleep):
    """Serves one connection sequentially, as every blocking model does (the
    twin of targets.App.ServeConn): answers each whole request in order,
    pipelined ones included, sleeping where a request asks it, until the
    client closes, asks to close or sends a bad request. Closes sock."""
    buf = bytearray()
    start = 0.0  # when the first byte of the buffered request arrived
    try:
        # As Go's net package does: answers leave at once, not after an ACK.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        while True:
            out = []
            while True:
                try:
                    n, req = parse_request(buf)
                except ProtoError as err:
                    out.append(error_response(err))
                    sock.sendall(b"".join(out))
                    linger(sock)
                    return
                if n == 0:
                    break
                if req.stream:
                    if out:
                        sock.sendall(b"".join(out))
                        out = []
                    del buf[:n]
                    import corobench_files  # it imports this module
                    if not corobench_files.serve_stream(sock, req, app.store, buf):
                        return
                    start = time.monotonic()
                    continue
                if req.ms:
                    if out:
                        sock.sendall(b"".join(out))
                        out = []
                    sleep(req.ms / 1000)
                out.append(app.respond(req))
                del buf[:n]
                start = time.monotonic()
                if req.close:
                    sock.sendall(b"".join(out))
                    return
            if out:
                sock.sendall(b"".join(out))
            if buf:
                sock.settimeout(max(start + REQUEST_TIMEOUT - time.monotonic(), 0.001))
            else:
                sock.settimeout(IDLE_TIMEOUT)
            try:
                data = sock.recv(65536)
            except socket.timeout:
                if buf:
                    sock.sendall(error_response(REQUEST_TIMEOUT_ERROR))
                return
            if not data:
                return
            if not buf:
                start = time.monotonic()
            buf += data
    except OSError:
        pass  # the client went away
    finally:
        sock.close()


def parse_args(model):
    """The command line every Python peer takes."""
    p = argparse.ArgumentParser(description="corobench peer: " + model)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on")
    p.add_argument("--port", type=int, default=0, help="port to listen on (0: a free one)")
    p.add_argument("--cpu-rate", type=float, default=0,
                   help="work units per microsecond for /cpu?us=N (0: calibrate at start)")
    p.add_argument("--max-conns", type=int, default=1024,
                   help="cap on live processes or threads (forking, and threading over UDP)")
    p.add_argument("--root", default="",
                   help="directory served by /files/ and used by /disk (none: they answer 404)")
    p.add_argument("--max-upload", type=int, default=64 << 20,
                   help="largest upload to /files/ in bytes")
    args = p.parse_args()
    if args.cpu_rate <= 0:
        args.cpu_rate = calibrate()
    return args


def ready(model, addr, rate, net=None, service=None):
    """Prints the one ready line the harness waits for, as Go's targets do,
    with the work rate in use (none for a peer without work), the transport
    (when it is given) and the service (when it is not corobench's)."""
    line = {"model": model, "addr": "%s:%d" % (addr[0], addr[1]), "pid": os.getpid()}
    if rate is not None:
        line["cpu_rate"] = rate
    if net:
        line["net"] = net
    if service:
        line["service"] = service
    print(json.dumps(line, separators=(",", ":")), flush=True)


def exit_on_sigterm():
    """Makes SIGTERM and SIGINT raise SystemExit(0) in the main thread, which
    leaves a blocking serve_forever at once."""
    def stop(*_):
        raise SystemExit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


def default_signals():
    """In a forked child: die on SIGTERM and SIGINT, as by default; the
    parent's handlers (exit_on_sigterm) are for the parent."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def serve_forking(server):
    """Runs a socketserver ForkingMixIn server until SIGTERM, then stops its
    children and reaps them."""
    try:
        server.serve_forever()
    finally:
        for pid in list(server.active_children or ()):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        server.collect_children(blocking=True)


def listen_backlog():
    """The listen backlog: the kernel's cap, as Go uses."""
    try:
        with open("/proc/sys/net/core/somaxconn") as f:
            return int(f.read())
    except (OSError, ValueError):
        return socket.SOMAXCONN


if __name__ == "__main__":
    sys.exit("corobench_proto is a module; run one of the *_server.py peers")
