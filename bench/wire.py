"""Minimal HTTP/1.1 on raw asyncio protocols, for the load generator and the fake APIs.

aiohttp's client and server cost several times more CPU per request than the
code under test spends on a message; on a 2-core machine that would make the
load generator, not the bot, the bottleneck. These protocols parse only what
the bot and PTB send (Content-Length bodies, keep-alive, no chunking) and
nothing else. Benchmark use only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from time import perf_counter

Handler = Callable[[str, str, dict[str, str], bytes, float], tuple[int, bytes]]
"""(method, target, headers, body, arrival time) -> (status, JSON body)."""

REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 429: "Too Many Requests"}


def _parse_head(head: bytes) -> tuple[str, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return lines[0], headers


class ServerProtocol(asyncio.Protocol):
    """One connection of the fake API server; answers each request synchronously."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            start_line, headers = _parse_head(bytes(self.buffer[:end]))
            if "chunked" in headers.get("transfer-encoding", ""):
                raise RuntimeError("the bench fake does not speak chunked bodies")
            length = int(headers.get("content-length") or 0)
            if len(self.buffer) < end + 4 + length:
                return
            body = bytes(self.buffer[end + 4 : end + 4 + length])
            del self.buffer[: end + 4 + length]
            method, target, _ = start_line.split(" ", 2)
            status, answer = self.handler(method, target, headers, body, perf_counter())
            assert self.transport is not None
            self.transport.write(
                f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(answer)}\r\n\r\n".encode()
                + answer
            )


async def serve(handler: Handler, host: str = "127.0.0.1") -> asyncio.Server:
    """Serve `handler` on a free port of `host`."""
    loop = asyncio.get_running_loop()
    return await loop.create_server(lambda: ServerProtocol(handler), host, 0)


class _ClientProtocol(asyncio.Protocol):
    def __init__(self) -> None:
        self.buffer = bytearray()
        self.waiter: asyncio.Future[int] | None = None
        self.transport: asyncio.Transport | None = None
        self.lost = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        if self.waiter and not self.waiter.done():
            self.waiter.set_exception(ConnectionError("connection lost"))

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        start_line, headers = _parse_head(bytes(self.buffer[:end]))
        length = int(headers.get("content-length") or 0)
        if len(self.buffer) < end + 4 + length:
            return
        del self.buffer[: end + 4 + length]
        if self.waiter and not self.waiter.done():
            self.waiter.set_result(int(start_line.split(" ", 2)[1]))


class Client:
    """POSTs to one server over a pool of keep-alive connections (one request per connection
    at a time, as Telegram and Meta do)."""

    def __init__(self, host: str, port: int, max_connections: int = 100) -> None:
        self.host = host
        self.port = port
        self.idle: list[_ClientProtocol] = []
        self.open = 0
        self.max_connections = max_connections
        self.slots = asyncio.Semaphore(max_connections)

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, float]:
        """Send one POST; returns (status, the perf_counter time the request was written)."""
        async with self.slots:
            connection = self.idle.pop() if self.idle else None
            while connection is not None and connection.lost:
                self.open -= 1
                connection = self.idle.pop() if self.idle else None
            if connection is None:
                loop = asyncio.get_running_loop()
                _, connection = await loop.create_connection(_ClientProtocol, self.host, self.port)
                self.open += 1
            extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
            request = (
                f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n{extra}\r\n"
            ).encode() + body
            connection.waiter = asyncio.get_running_loop().create_future()
            assert connection.transport is not None
            sent_at = perf_counter()
            connection.transport.write(request)
            try:
                status = await connection.waiter
            except ConnectionError:
                self.open -= 1
                raise
            self.idle.append(connection)
            return status, sent_at

    def close(self) -> None:
        for connection in self.idle:
            if connection.transport:
                connection.transport.close()
        self.idle.clear()
