"""corobench peer "python-udp": socketserver.UDPServer, the textbook's loop
server over UDP. One thread reads a datagram (recvfrom), serves it -- a wait
is a blocking sleep, and every other client waits with it -- answers with
sendto, and reads the next. No connection is held, so every client is served
in turn.

    /usr/bin/python3 udp_server.py --port PORT [--host H] [--cpu-rate R]
"""

import sys

sys.dont_write_bytecode = True

import socketserver  # noqa: E402

import corobench_dgram as dgram  # noqa: E402
import corobench_proto as proto  # noqa: E402

MODEL = "python-udp"


class Server(dgram.ServerMixIn, socketserver.UDPServer):
    pass


def main():
    args = proto.parse_args(MODEL)
    with Server((args.host, args.port), dgram.Handler) as server:
        server.app = dgram.App(MODEL, args.cpu_rate)
        proto.exit_on_sigterm()
        proto.ready(MODEL, server.server_address, args.cpu_rate, net="udp")
        server.serve_forever()


if __name__ == "__main__":
    main()
