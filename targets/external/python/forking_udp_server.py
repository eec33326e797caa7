"""corobench peer "python-udp-fork": socketserver.ForkingUDPServer, a new
process (os.fork) per datagram, as the textbook's ForkingMixIn server over
UDP. The child inherits the socket, serves the datagram (a blocking sleep for
a wait), answers with sendto and exits; the parent reaps it. At most
--max-conns children live at once; beyond that the parent waits for one to
exit before it reads again. The parent holds the counts /stats gives, so it
drops (and counts) a datagram with no id, counts each request it hands to a
child, and answers /stats itself. Each child has its own interpreter, so CPU
work uses every core.

    /usr/bin/python3 forking_udp_server.py --port PORT [--host H]
        [--cpu-rate R] [--max-conns N]
"""

import sys

sys.dont_write_bytecode = True

import socketserver  # noqa: E402

import corobench_dgram as dgram  # noqa: E402
import corobench_proto as proto  # noqa: E402

MODEL = "python-udp-fork"


class Handler(dgram.Handler):
    def setup(self):
        proto.default_signals()
        super().setup()


class Server(dgram.ServerMixIn, socketserver.ForkingUDPServer):
    block_on_close = False

    def verify_request(self, request, client_address):
        data, sock = request
        d = self.app.read(data)
        if d is None:
            return False
        if dgram.is_stats(d):
            sock.sendto(self.app.answer(d), client_address)
            return False
        if d.err is None:
            self.app.count_answered()  # by the child this request goes to
        return True


def main():
    args = proto.parse_args(MODEL)
    with Server((args.host, args.port), Handler) as server:
        # ForkingMixIn's default cap is 40 children: beyond it, the parent
        # waits for one to exit. Raise it, as the TCP peer does.
        server.max_children = args.max_conns
        server.app = dgram.App(MODEL, args.cpu_rate)
        proto.exit_on_sigterm()
        proto.ready(MODEL, server.server_address, args.cpu_rate, net="udp")
        proto.serve_forking(server)


if __name__ == "__main__":
    main()
