"""corobench chat peer "python-chat-udp": the textbook's UDP chat room, one
thread and a plain recvfrom loop. Members log in from a source address;
each message is sent to every other member with one sendto each. A member
silent for longer than --idle seconds is removed; listeners keep themselves
in with P. The wire format is corobench's chat protocol (docs/chat.md):

    L name | C name text | Q name | P [name] | A token text | S

    /usr/bin/python3 chat_udp_server.py --port PORT [--host H] [--idle S]
        [--max-members N] [--admin TOKEN]
"""

import sys

sys.dont_write_bytecode = True

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import time  # noqa: E402

MODEL = "python-chat-udp"
MAX_LINE = 1023  # bytes before the LF
NAME = re.compile(rb"[A-Za-z0-9._-]{1,32}\Z")


def valid_text(b):
    """As chat.ValidText: no LF, CR or NUL."""
    return b"\n" not in b and b"\r" not in b and b"\0" not in b


class Room:
    """One room: the members by name and by address, and the counters S
    gives. Single-threaded: only the loop touches it."""

    def __init__(self, sock, idle, max_members, admin):
        self.sock = sock
        self.idle = idle
        self.max_members = max_members
        self.admin = admin
        self.by_name = {}  # name -> address
        self.by_addr = {}  # address -> [name, last heard]
        self.messages = self.deliveries = self.dropped = self.kicked = 0

    def send(self, line, addr):
        try:
            self.sock.sendto(line, addr)
            return True
        except OSError:
            self.dropped += 1  # the kernel would not take it: lost, as datagrams are
            return False

    def expire(self, now):
        """Removes the members silent for longer than the idle timeout."""
        for addr, (name, heard) in list(self.by_addr.items()):
            if now - heard > self.idle:
                del self.by_addr[addr], self.by_name[name]

    def fan_out(self, line, skip=None):
        for addr in self.by_addr:
            if addr != skip and self.send(line, addr):
                self.deliveries += 1

    def handle(self, data, addr, now):
        """Answers one datagram from addr."""
        if data.endswith(b"\n"):
            data = data[:-1]
        if len(data) > MAX_LINE:
            return self.send(b"ERR long\n", addr)
        if data.endswith(b"\r"):
            data = data[:-1]
        member = self.by_addr.get(addr)
        if member:
            member[1] = now  # any datagram from a member keeps it in
        cmd, _, rest = data.partition(b" ")
        if cmd == b"S" and data == b"S":
            return self.send(b"STATS members=%d messages=%d deliveries=%d dropped=%d kicked=%d\n" % (
                len(self.by_addr), self.messages, self.deliveries, self.dropped, self.kicked), addr)
        if cmd not in (b"L", b"C", b"Q", b"P", b"A") or cmd in (b"C", b"A") and data == cmd:
            return self.send(b"ERR unknown\n", addr)
        if cmd == b"L":
            return self.login(rest, addr, now)
        # As chat.Parse: the command is taken apart and its text checked
        # before the room looks at who sent it.
        name, text = rest, b""
        if cmd in (b"C", b"A"):
            name, _, text = rest.partition(b" ")
        if not valid_text(name) or not valid_text(text):
            return self.send(b"ERR text\n", addr)
        if cmd == b"C":
            if not member or member[0] != name:
                return self.send(b"ERR login\n", addr)
            self.messages += 1
            return self.fan_out(b"M %s %s\n" % (name, text), skip=addr)
        if cmd == b"Q":
            if not member or member[0] != name:
                return self.send(b"ERR login\n", addr)
            del self.by_addr[addr], self.by_name[name]
            return self.send(b"BYE %s\n" % name, addr)
        if cmd == b"P":
            return self.send(b"PONG\n", addr)
        if not self.admin or name != self.admin:  # A
            return self.send(b"ERR admin\n", addr)
        self.messages += 1
        self.fan_out(b"B %s\n" % text)
        return self.send(b"OK\n", addr)  # once it is handed to every member

    def login(self, name, addr, now):
        if not NAME.match(name):
            return self.send(b"ERR name\n", addr)
        if addr in self.by_addr:
            return self.send(b"ERR login\n", addr)
        if name in self.by_name:
            return self.send(b"ERR taken %s\n" % name, addr)
        if len(self.by_addr) >= self.max_members:
            return self.send(b"ERR full\n", addr)
        self.by_name[name] = addr
        self.by_addr[addr] = [name, now]
        return self.send(b"OK %s\n" % name, addr)


def main():
    p = argparse.ArgumentParser(description="corobench chat peer: " + MODEL)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on")
    p.add_argument("--port", type=int, default=0, help="port to listen on (0: a free one)")
    p.add_argument("--idle", type=float, default=30.0, help="seconds of silence that remove a member")
    p.add_argument("--max-members", type=int, default=100_000, help="members the room holds at most")
    p.add_argument("--admin", default="", help="the token of A (none: A is refused)")
    args = p.parse_args()

    def stop(*_):
        raise SystemExit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((args.host, args.port))
    sock.settimeout(1.0)  # wakes the loop to expire silent members
    room = Room(sock, args.idle, args.max_members, args.admin.encode())
    addr = sock.getsockname()
    print(json.dumps({"model": MODEL, "addr": "%s:%d" % addr, "pid": os.getpid(),
                      "net": "udp", "service": "chat"}, separators=(",", ":")), flush=True)
    last = time.monotonic()
    while True:
        try:
            data, src = sock.recvfrom(MAX_LINE + 2)  # one byte more than a line and its LF
        except socket.timeout:
            data = None
        now = time.monotonic()
        if now - last >= 1.0:
            room.expire(now)
            last = now
        if data is not None:
            room.handle(data, src, now)


if __name__ == "__main__":
    main()
