"""corobench peer "python-udp-threads": socketserver.ThreadingUDPServer, a new
OS thread per datagram, as the textbook's ThreadingMixIn server over UDP. At
most --max-conns threads live at once; beyond that the reading thread waits
for one to end, and datagrams wait in the socket's buffer. The threads share
one interpreter lock (the GIL), so CPU work runs on one core at a time.

    /usr/bin/python3 threading_udp_server.py --port PORT [--host H]
        [--cpu-rate R] [--max-conns N]
"""

import sys

sys.dont_write_bytecode = True

import signal  # noqa: E402
import socketserver  # noqa: E402
import threading  # noqa: E402

import corobench_dgram as dgram  # noqa: E402
import corobench_proto as proto  # noqa: E402

MODEL = "python-udp-threads"


class Server(dgram.ServerMixIn, socketserver.ThreadingUDPServer):
    daemon_threads = True  # SIGTERM does not wait for the requests in hand
    block_on_close = False

    def process_request(self, request, client_address):
        self.slots.acquire()  # a thread per datagram, at most max-conns
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()


# STOP are the signals that stop the server. With many threads, CPython
# 3.11 can leave a Python-level handler's signal pending for good (taken by
# another thread, the main thread is never told), so the main thread waits
# for them with sigwait instead, every thread blocking them, and
# serve_forever runs on a thread of its own.
STOP = {signal.SIGTERM, signal.SIGINT}


def main():
    args = proto.parse_args(MODEL)
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP)  # threads made later inherit it
    with Server((args.host, args.port), dgram.Handler) as server:
        server.app = dgram.App(MODEL, args.cpu_rate)
        server.slots = threading.BoundedSemaphore(args.max_conns)
        proto.ready(MODEL, server.server_address, args.cpu_rate, net="udp")
        threading.Thread(target=server.serve_forever, daemon=True).start()
        signal.sigwait(STOP)
        server.shutdown()  # the requests in hand are dropped: daemon threads


if __name__ == "__main__":
    main()
