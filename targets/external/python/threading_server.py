"""corobench peer "python-threads": socketserver.ThreadingTCPServer, a new OS
thread per connection, as the textbook's ThreadingMixIn server. The threads
share one interpreter lock (the GIL), so CPU work runs on one core at a time.

    /usr/bin/python3 threading_server.py --port PORT [--host H] [--cpu-rate R]
"""

import sys

sys.dont_write_bytecode = True

import socketserver  # noqa: E402

import corobench_files as files  # noqa: E402
import corobench_proto as proto  # noqa: E402

MODEL = "python-threads"


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        proto.serve_conn(self.request, self.server.app)


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True  # SIGTERM does not wait for open connections
    block_on_close = False
    request_queue_size = proto.listen_backlog()


def main():
    args = proto.parse_args(MODEL)
    with Server((args.host, args.port), Handler) as server:
        server.app = proto.App(MODEL, args.cpu_rate, files.open_store(args))
        proto.exit_on_sigterm()
        proto.ready(MODEL, server.server_address, args.cpu_rate)
        server.serve_forever()


if __name__ == "__main__":
    main()
