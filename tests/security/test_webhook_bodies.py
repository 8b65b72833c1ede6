"""Webhook bodies are read whole, in pieces, and never past their cap (read_capped)."""

from __future__ import annotations

import asyncio

from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.channels.base import read_capped


async def serve() -> TestServer:
    async def echo(request: web.Request) -> web.Response:
        return web.Response(text=str(len(await read_capped(request, limit=4096))))

    app = web.Application()
    app.router.add_post("/hook", echo)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    return server


async def send_in_pieces(server: TestServer, head: bytes, pieces: list[bytes]) -> bytes:
    reader, writer = await asyncio.open_connection(server.host, server.port)
    writer.write(head)
    for piece in pieces:
        await writer.drain()
        await asyncio.sleep(0.05)  # the server sees the body arrive bit by bit
        writer.write(piece)
    await writer.drain()
    answer = await reader.read(4096)
    writer.close()
    return answer


async def test_a_body_that_arrives_in_pieces_is_read_whole():
    server = await serve()
    try:
        body = b"x" * 3041
        head = b"POST /hook HTTP/1.1\r\nHost: h\r\nContent-Length: 3041\r\n\r\n"
        answer = await send_in_pieces(server, head, [body[:1000], body[1000:]])
        assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(b"3041")
        chunked = b"POST /hook HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        pieces = [
            b"3e8\r\n" + body[:1000] + b"\r\n",
            b"3e8\r\n" + body[1000:2000] + b"\r\n0\r\n\r\n",
        ]
        answer = await send_in_pieces(server, chunked, pieces)
        assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(b"2000")
    finally:
        await server.close()


async def test_a_body_past_the_cap_is_refused_however_it_comes():
    server = await serve()
    try:
        declared = b"POST /hook HTTP/1.1\r\nHost: h\r\nContent-Length: 9000\r\n\r\n"
        assert (await send_in_pieces(server, declared, [])).startswith(b"HTTP/1.1 413")
        chunked = b"POST /hook HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        endless = [b"1000\r\n" + b"y" * 4096 + b"\r\n"] * 3
        assert (await send_in_pieces(server, chunked, endless)).startswith(b"HTTP/1.1 413")
    finally:
        await server.close()
