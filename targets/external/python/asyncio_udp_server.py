"""corobench peer "python-udp-asyncio": one thread, one asyncio event loop, a
DatagramProtocol. A request that waits becomes a coroutine that sleeps on
the loop's timers and then answers; the others are answered at once. CPU
work runs on the loop and stalls every client while it runs. At most
corobench_dgram.MAX_IN_FLIGHT requests wait at once: beyond that the
transport stops reading until one is answered.

    /usr/bin/python3 asyncio_udp_server.py --port PORT [--host H] [--cpu-rate R]
"""

import sys

sys.dont_write_bytecode = True

import asyncio  # noqa: E402
import signal  # noqa: E402

import corobench_dgram as dgram  # noqa: E402
import corobench_proto as proto  # noqa: E402

MODEL = "python-udp-asyncio"

# MAX_UNSENT bounds the answers the transport may hold when the socket's send
# buffer is full; beyond it an answer is dropped, as the kernel drops a
# datagram that does not fit.
MAX_UNSENT = 1 << 20


class Protocol(asyncio.DatagramProtocol):
    def __init__(self, app):
        self.app = app
        self.transport = None
        self.waiting = set()  # the coroutines of requests that wait
        self.paused = False

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        d = self.app.read(data)
        if d is None:
            return
        if not d.wait():
            self.send(self.app.answer(d), addr)
            return
        task = asyncio.get_running_loop().create_task(self.serve(d, addr))
        self.waiting.add(task)
        task.add_done_callback(self.done)
        if len(self.waiting) >= dgram.MAX_IN_FLIGHT and not self.paused:
            self.transport.pause_reading()
            self.paused = True

    async def serve(self, d, addr):
        await asyncio.sleep(d.wait())
        self.send(self.app.answer(d), addr)

    def done(self, task):
        self.waiting.discard(task)
        if self.paused and len(self.waiting) < dgram.MAX_IN_FLIGHT:
            self.transport.resume_reading()
            self.paused = False

    def send(self, answer, addr):
        if self.transport.get_write_buffer_size() < MAX_UNSENT:
            self.transport.sendto(answer, addr)

    def error_received(self, exc):
        pass  # an ICMP error for an answer sent earlier: that answer is lost


async def main():
    args = proto.parse_args(MODEL)
    app = dgram.App(MODEL, args.cpu_rate)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    transport, _ = await loop.create_datagram_endpoint(
        lambda: Protocol(app), local_addr=(args.host, args.port))
    proto.ready(MODEL, transport.get_extra_info("sockname"), args.cpu_rate, net="udp")
    try:
        await stop.wait()
    finally:
        transport.close()
    # asyncio.run cancels the requests' coroutines on the way out.


if __name__ == "__main__":
    asyncio.run(main())
