"""A small round-robin TCP proxy on 127.0.0.1, standing in for a load balancer in front of the web servers.

Run: python e2e/round_robin.py LISTEN_PORT HOST:PORT [HOST:PORT ...]
Each new connection goes to the next backend in turn once its request head has arrived (gunicorn's
sync workers close every connection after one response, so requests alternate too). A backend that
refuses the connection is skipped for that connection. SIGTERM stops it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import signal
import sys


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copy bytes one way until the reader ends, then close the writer's half."""
    try:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        with contextlib.suppress(Exception):
            if writer.can_write_eof():
                writer.write_eof()


async def serve(port: int, backends: list[tuple[str, int]]) -> None:
    turns = itertools.cycle(range(len(backends)))

    async def handle(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        # Wait for the whole request head before choosing a backend, as a buffering proxy does:
        # gunicorn's sync workers block on an idle connection, and browsers open some in advance.
        try:
            head = await client_reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            client_writer.close()
            return
        upstream = None
        for _ in backends:
            host, backend_port = backends[next(turns)]
            try:
                upstream = await asyncio.open_connection(host, backend_port)
                break
            except OSError:
                continue
        if upstream is None:
            client_writer.close()
            return
        server_reader, server_writer = upstream
        server_writer.write(head)
        await asyncio.gather(pipe(client_reader, server_writer), pipe(server_reader, client_writer))
        for writer in (server_writer, client_writer):
            with contextlib.suppress(Exception):
                writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=512)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()


def main(argv: list[str]) -> None:
    port = int(argv[0])
    backends = [(spec.rsplit(":", 1)[0], int(spec.rsplit(":", 1)[1])) for spec in argv[1:]]
    if not backends or any(host != "127.0.0.1" for host, _ in backends):
        raise SystemExit("usage: round_robin.py LISTEN_PORT 127.0.0.1:PORT [127.0.0.1:PORT ...]")
    asyncio.run(serve(port, backends))


if __name__ == "__main__":
    main(sys.argv[1:])
