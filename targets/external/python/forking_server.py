"""corobench peer "python-fork": socketserver.ForkingTCPServer, a new process
(os.fork) per connection, as the textbook's ForkingMixIn server. Each child
has its own interpreter, so CPU work uses every core.

    /usr/bin/python3 forking_server.py --port PORT [--host H] [--cpu-rate R]
        [--max-conns N]
"""

import sys

sys.dont_write_bytecode = True

import socketserver  # noqa: E402

import corobench_files as files  # noqa: E402
import corobench_proto as proto  # noqa: E402

MODEL = "python-fork"


class Handler(socketserver.BaseRequestHandler):
    def setup(self):
        proto.default_signals()

    def handle(self):
        proto.serve_conn(self.request, self.server.app)


class Server(socketserver.ForkingTCPServer):
    allow_reuse_address = True
    block_on_close = False
    request_queue_size = proto.listen_backlog()


def main():
    args = proto.parse_args(MODEL)
    with Server((args.host, args.port), Handler) as server:
        # ForkingMixIn's default cap is 40 children: beyond it, accept waits
        # for one to exit. Raise it so 50 connections get 50 processes.
        server.max_children = args.max_conns
        server.app = proto.App(MODEL, args.cpu_rate, files.open_store(args))
        proto.exit_on_sigterm()
        proto.ready(MODEL, server.server_address, args.cpu_rate)
        proto.serve_forking(server)


if __name__ == "__main__":
    main()
