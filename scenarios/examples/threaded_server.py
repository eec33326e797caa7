"""A thread-per-connection HTTP/1.1 server from Python's standard library,
answering corobench's protocol (/health, /cpu?us=N, /io?ms=N) well enough
to be an external target. Usage: threaded_server.py PORT"""

import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        url = urlparse(self.path)
        q = {k: int(v[0]) for k, v in parse_qs(url.query).items()}
        if url.path == "/health":
            body = b"python-threaded\n"
        elif url.path == "/io":
            time.sleep(q.get("ms", 0) / 1000)
            body = b"ok\n"
        elif url.path == "/cpu":
            end = time.process_time() + q.get("us", 0) / 1e6
            while time.process_time() < end:
                pass
            body = b"ok\n"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    server.daemon_threads = True
    print("listening", flush=True)
    server.serve_forever()
