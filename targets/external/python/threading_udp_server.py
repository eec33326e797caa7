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


def main():
    args = proto.parse_args(MODEL)
    with Server((args.host, args.port), dgram.Handler) as server:
        server.app = dgram.App(MODEL, args.cpu_rate)
        server.slots = threading.BoundedSemaphore(args.max_conns)
        proto.exit_on_sigterm()
        proto.ready(MODEL, server.server_address, args.cpu_rate, net="udp")
        server.serve_forever()


if __name__ == "__main__":
    main()
