"""corobench chat peer "python-chat-gevent": the chat room over TCP the
gevent way. A gevent StreamServer gives every member a greenlet that reads
its lines and serves its commands; a message is put into every other
member's outbox (a bytearray of at most --chat-outbox bytes: a line that
does not fit is dropped and counted), and each member's writer greenlet
takes its whole outbox and writes it, each write bounded by --chat-kick
seconds. A member whose outbox stays full past the kick bound, or whose
socket takes no write for that long, is reset and counted. One thread, one
libev loop. The wire format is corobench's chat protocol (docs/chat.md):

    L name | C name text | Q name | P [name] | A token text | S

    /usr/bin/python3 chat_gevent_server.py --port PORT [--host H]
        [--chat-outbox BYTES] [--chat-kick S] [--chat-admin TOKEN]
        [--chat-max-members N]
"""

import sys

sys.dont_write_bytecode = True

import argparse  # noqa: E402
import hmac  # noqa: E402
import re  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import struct  # noqa: E402
import time  # noqa: E402

import gevent  # noqa: E402
from gevent.event import Event  # noqa: E402
from gevent.server import StreamServer  # noqa: E402

import corobench_proto as proto  # noqa: E402

MODEL = "python-chat-gevent"
MAX_LINE = 1024  # a line's bytes, its LF included (chat.MaxLine)
NAME = re.compile(rb"[A-Za-z0-9._-]{1,32}\Z")

SENT, DROPPED, KICK = 0, 1, 2  # what became of a line (chat.Delivery)


def valid_text(b):
    """As chat.ValidText: no LF, CR or NUL."""
    return b"\n" not in b and b"\r" not in b and b"\0" not in b


def parse(line):
    """As chat.Parse: (verb, name, text) of one line (LF included), or
    (None, reason, None) for a line to refuse with ERR reason."""
    if len(line) > MAX_LINE or len(line) == MAX_LINE and line[-1:] != b"\n":
        return None, b"long", None
    if line.endswith(b"\n"):
        line = line[:-1]
        if line.endswith(b"\r"):
            line = line[:-1]
    if not line:
        return None, b"unknown", None
    verb, rest, text = line[:1], line[1:], b""
    if rest:
        if rest[:1] != b" ":
            return None, b"unknown", None
        rest = rest[1:]
    if verb == b"L":
        if not NAME.match(rest):
            return None, b"name", None
    elif verb in (b"Q", b"P"):
        pass
    elif verb == b"S":
        if len(line) != 1:
            return None, b"unknown", None
    elif verb in (b"C", b"A"):
        if len(line) == 1:
            return None, b"unknown", None
        rest, _, text = rest.partition(b" ")
        if not valid_text(text):
            return None, b"text", None
    else:
        return None, b"unknown", None
    if not valid_text(rest):
        return None, b"text", None
    return verb, rest, text


class Outbox:
    """A member's bounded queue of lines not yet written (chat.Outbox). Put
    never waits: a line that does not fit is dropped, and once lines have
    been dropped for longer than the kick bound with nothing taken out, Put
    says KICK. Only greenlets of one thread touch it: no lock."""

    def __init__(self, limit, kick_after, wake):
        self.limit, self.kick_after, self.wake = limit, kick_after, wake
        self.buf = bytearray()
        self.full_since = None
        self.closed = False

    def put(self, line):
        if self.closed:
            return DROPPED
        if len(self.buf) + len(line) > self.limit:
            now = time.monotonic()
            if self.full_since is None:
                self.full_since = now
            elif now - self.full_since > self.kick_after:
                return KICK
            return DROPPED
        if not self.buf:
            self.wake.set()
        self.buf += line
        return SENT

    def take(self):
        """The queued bytes, the outbox emptied; None when it was empty."""
        self.full_since = None
        if not self.buf:
            return None
        b, self.buf = self.buf, bytearray()
        return b

    def close(self):
        self.closed, self.buf = True, bytearray()


class Member:
    """One connection: its name once logged in, its outbox and writer."""

    def __init__(self, room, sock):
        self.room, self.sock = room, sock
        self.name = b""
        self.gone = self.kicked = self.done = False
        self.wake = Event()
        self.out = Outbox(room.outbox, room.kick_after, self.wake)

    def abort(self):
        """Closes the connection with a reset, now: the reader's and the
        writer's waits on it fail."""
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.sock.close()

    def serve(self):
        """Reads commands until Q or the connection ends, with the writer on
        a greenlet of its own; then lets it send what is queued."""
        writer = gevent.spawn(self.write)
        try:
            self.read()
        except OSError:
            pass  # reset, or closed by a kick
        self.room.leave(self)
        self.done = True
        self.wake.set()
        writer.join()
        self.out.close()
        self.sock.close()

    def read(self):
        buf = bytearray()  # at most MAX_LINE bytes of a line, and one recv
        skip = False  # inside a long line: drop bytes up to the next LF
        while True:
            data = self.sock.recv(4096)
            if not data:
                return
            buf += data
            while True:
                i = buf.find(b"\n")
                if skip:
                    if i < 0:
                        buf.clear()
                        break
                    del buf[:i + 1]
                    skip = False
                    continue
                if i < 0:
                    if len(buf) >= MAX_LINE:  # past the bound with no LF yet
                        buf.clear()
                        skip = True
                        self.room.answer(self, b"ERR long\n")
                    break
                line = bytes(buf[:i + 1])
                del buf[:i + 1]
                if self.room.handle(self, line):
                    return

    def write(self):
        """Drains the outbox until the reader is done, then sends what is
        left. A write that takes longer than the kick bound kicks the
        member; any failed write ends the connection."""
        while True:
            self.wake.wait()
            self.wake.clear()
            b = self.out.take()
            if b:
                # A timeout of this write alone: the socket's own
                # (settimeout) would bound the reader's waits too, and drop
                # a member quiet for longer than the kick bound.
                sent = False
                try:
                    with gevent.Timeout(self.room.kick_after, False):
                        self.sock.sendall(b)
                        sent = True
                except OSError:
                    self.abort()
                    return
                if not sent:
                    self.room.kick(self)
                    self.abort()
                    return
            if self.done:
                return


class Room:
    """The members by name, in join order, and the counters S gives."""

    def __init__(self, outbox, kick_after, max_members, admin):
        self.outbox, self.kick_after = outbox, kick_after
        self.max_members, self.admin = max_members, admin
        self.by_name = {}  # name -> Member, in join order
        self.messages = self.deliveries = self.dropped = self.kicked = 0

    def leave(self, m):
        if m.name and self.by_name.get(m.name) is m:
            del self.by_name[m.name]
            m.gone = True

    def kick(self, m):
        if m.kicked:
            return
        m.kicked = True
        self.leave(m)
        self.kicked += 1
        m.abort()

    def answer(self, m, line):
        """Puts an answer in m's outbox, so that it keeps its place among
        the messages m receives; a dropped answer counts as a drop."""
        got = m.out.put(line)
        if got != SENT:
            self.dropped += 1
            if got == KICK:
                self.kick(m)

    def fan_out(self, sender, line):
        sent = dropped = 0
        kicks = []
        for m in list(self.by_name.values()):
            if m is sender:
                continue
            got = m.out.put(line)
            if got == SENT:
                sent += 1
            else:
                dropped += 1
                if got == KICK:
                    kicks.append(m)
        self.messages += 1
        self.deliveries += sent
        self.dropped += dropped
        for m in kicks:
            self.kick(m)

    def handle(self, m, line):
        """Serves one line from m; returns whether m quit."""
        verb, name, text = parse(line)
        if verb is None:
            self.answer(m, b"ERR %s\n" % name)
        elif verb == b"L":
            if m.name:
                self.answer(m, b"ERR login\n")
            elif name in self.by_name:
                self.answer(m, b"ERR taken %s\n" % name)
            elif len(self.by_name) >= self.max_members:
                self.answer(m, b"ERR full\n")
            else:
                m.name = name
                self.by_name[name] = m
                self.answer(m, b"OK %s\n" % name)
        elif verb in (b"C", b"Q") and (not m.name or m.name != name or m.gone):
            self.answer(m, b"ERR login\n")
        elif verb == b"C":
            self.fan_out(m, b"M %s %s\n" % (name, text))
        elif verb == b"Q":
            self.leave(m)
            self.answer(m, b"BYE %s\n" % name)
            return True
        elif verb == b"P":
            self.answer(m, b"PONG\n")
        elif verb == b"A":
            if not self.admin or not hmac.compare_digest(name, self.admin):
                self.answer(m, b"ERR admin\n")
            else:
                self.fan_out(None, b"B %s\n" % text)
                self.answer(m, b"OK\n")  # once it is handed to every member
        else:  # S
            self.answer(m, b"STATS members=%d messages=%d deliveries=%d dropped=%d kicked=%d\n" % (
                len(self.by_name), self.messages, self.deliveries, self.dropped, self.kicked))
        return False


def seconds(s):
    """A duration as the Go server's flags take it ("5s", "300ms") or plain
    seconds ("0.3")."""
    for unit, scale in (("ms", 1e-3), ("s", 1.0), ("m", 60.0)):
        if s.endswith(unit):
            v = float(s[:-len(unit)]) * scale
            break
    else:
        v = float(s)
    if not v > 0:
        raise argparse.ArgumentTypeError("a duration above zero, such as 5s or 300ms")
    return v


def positive(s):
    v = int(s)
    if v <= 0:
        raise argparse.ArgumentTypeError("a whole number above zero")
    return v


def main():
    p = argparse.ArgumentParser(description="corobench chat peer: " + MODEL)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on")
    p.add_argument("--port", type=int, default=0, help="port to listen on (0: a free one)")
    p.add_argument("--chat-outbox", type=positive, default=64 << 10,
                   help="bytes each member's outbox holds at most")
    p.add_argument("--chat-kick", type=seconds, default=5.0,
                   help="how long a member may stay full, or a write take, before it is reset")
    p.add_argument("--chat-admin", "--admin", default="", help="the token of A (none: A is refused)")
    p.add_argument("--chat-max-members", "--max-members", type=positive, default=100_000,
                   help="members the room holds at most")
    # Taken so that every chat peer takes one command line: a TCP member
    # leaves when its connection ends, never for silence.
    p.add_argument("--chat-idle", "--idle", default="", help="ignored (UDP members only)")
    args = p.parse_args()

    room = Room(args.chat_outbox, args.chat_kick, args.chat_max_members, args.chat_admin.encode())

    def serve(sock, _addr):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        Member(room, sock).serve()

    server = StreamServer((args.host, args.port), serve, backlog=proto.listen_backlog())
    server.start()
    stop = Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        gevent.signal_handler(sig, stop.set)
    proto.ready(MODEL, server.address, None, net="tcp", service="chat")
    stop.wait()
    server.close()
    # Members' greenlets are abandoned: the process exits 0 now.


if __name__ == "__main__":
    main()
