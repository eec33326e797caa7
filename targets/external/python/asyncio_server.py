"""corobench peer "python-asyncio": one thread, one asyncio event loop, a
coroutine per connection (asyncio.start_server). Waits are timers in the
loop; CPU work runs on the loop and stalls every connection while it runs.

    /usr/bin/python3 asyncio_server.py --port PORT [--host H] [--cpu-rate R]
"""

import sys

sys.dont_write_bytecode = True

import asyncio  # noqa: E402
import signal  # noqa: E402
import time  # noqa: E402

import corobench_files as files  # noqa: E402
import corobench_proto as proto  # noqa: E402

MODEL = "python-asyncio"


async def serve_conn(reader, writer, app):
    """serve_conn of corobench_proto, as a coroutine: the same steps, with
    awaits where the blocking version blocks."""
    buf = bytearray()
    start = 0.0
    try:
        while True:
            while True:
                try:
                    n, req = proto.parse_request(buf)
                except proto.ProtoError as err:
                    writer.write(proto.error_response(err))
                    await writer.drain()
                    await linger(reader, writer)
                    return
                if n == 0:
                    break
                if req.stream:
                    await writer.drain()
                    del buf[:n]
                    if not await files.serve_stream_async(reader, writer, req, app.store, buf, linger):
                        return
                    start = time.monotonic()
                    continue
                if req.ms:
                    await writer.drain()
                    await asyncio.sleep(req.ms / 1000)
                writer.write(app.respond(req))
                del buf[:n]
                start = time.monotonic()
                if req.close:
                    await writer.drain()
                    return
            await writer.drain()
            if buf:
                limit = max(start + proto.REQUEST_TIMEOUT - time.monotonic(), 0.001)
            else:
                limit = proto.IDLE_TIMEOUT
            try:
                async with asyncio.timeout(limit):
                    data = await reader.read(65536)
            except TimeoutError:
                if buf:
                    writer.write(proto.error_response(proto.REQUEST_TIMEOUT_ERROR))
                    await writer.drain()
                return
            if not data:
                return
            if not buf:
                start = time.monotonic()
            buf += data
    except (OSError, asyncio.CancelledError):
        pass  # the client went away, or the server stops
    finally:
        writer.close()


async def linger(reader, writer):
    """corobench_proto.linger for a stream."""
    try:
        writer.write_eof()
        async with asyncio.timeout(1.0):
            got = 0
            while got < 256 << 10:
                data = await reader.read(4096)
                if not data:
                    return
                got += len(data)
    except (OSError, TimeoutError):
        pass


async def main():
    args = proto.parse_args(MODEL)
    app = proto.App(MODEL, args.cpu_rate, files.open_store(args))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    server = await asyncio.start_server(
        lambda r, w: serve_conn(r, w, app), args.host, args.port,
        backlog=proto.listen_backlog(), reuse_address=True)
    proto.ready(MODEL, server.sockets[0].getsockname(), args.cpu_rate)
    async with server:
        await stop.wait()
    # asyncio.run cancels the connections' tasks on the way out.


if __name__ == "__main__":
    asyncio.run(main())
