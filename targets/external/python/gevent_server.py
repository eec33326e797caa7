"""corobench peer "python-gevent": the textbook's coroutine server.
monkey.patch_all() turns the standard library's blocking sockets and sleep
into greenlet switches on one libev loop, and gevent.spawn gives every
connection a greenlet running the same blocking serve_conn as the thread and
fork servers. One thread: CPU work stalls every connection while it runs.

    /usr/bin/python3 gevent_server.py --port PORT [--host H] [--cpu-rate R]
"""

import sys

sys.dont_write_bytecode = True

from gevent import monkey  # noqa: E402

monkey.patch_all()

import signal  # noqa: E402
import socket  # noqa: E402

import gevent  # noqa: E402

import corobench_files as files  # noqa: E402
import corobench_proto as proto  # noqa: E402

MODEL = "python-gevent"


def serve(listener, app):
    while True:
        conn, _ = listener.accept()
        gevent.spawn(proto.serve_conn, conn, app)


def main():
    args = proto.parse_args(MODEL)
    app = proto.App(MODEL, args.cpu_rate, files.open_store(args))
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((args.host, args.port))
    listener.listen(proto.listen_backlog())
    acceptor = gevent.spawn(serve, listener, app)
    for sig in (signal.SIGTERM, signal.SIGINT):
        gevent.signal_handler(sig, acceptor.kill, block=False)
    proto.ready(MODEL, listener.getsockname(), args.cpu_rate)
    acceptor.join()
    listener.close()
    # Open connections' greenlets are abandoned: the process exits 0 now.


if __name__ == "__main__":
    main()
