"""Hardening, Low: what the web chat accepts and what every response says about itself.

Each attack is replayed against the real aiohttp app (`build_app`):
- CSRF: another site's form posting `text/plain` or form bodies that were parsed as JSON,
  and a cross-site `Origin` that was not checked;
- headers: no nosniff, no frame-ancestors, a CSP with 'unsafe-inline', a Server header
  naming aiohttp's version;
- the 64 KB JSON cap bypassed with a chunked body; uploads capped while they are read,
  and a broken-off upload leaves no file;
- a lone surrogate in web text ended as a "database error".
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.channels.webchat import MAX_JSON_BYTES
from tests.fakes.files import png
from tests.security.test_web_sessions import chat, rows, session_ids, set_cookie, web_client
from tests.waiting import settled

PNG = png(64)


@pytest.fixture
async def client(tmp_path: Path, fixture_content, actions):
    async with web_client(tmp_path, fixture_content, actions) as client:
        client.tmp_path = tmp_path
        yield client


async def opened(client) -> str:
    """A server-issued session cookie value."""
    return set_cookie(await chat(client, {"open": True}))["ma_chat"].value


async def at_photo_step(client) -> str:
    """A session whose dialog asks for a photo (only then is an upload read at all)."""
    cookie = await opened(client)
    for answer in ["3", "Siti", "30", "08123456789", "ya", "pabrik"]:
        await chat(client, {"text": answer}, cookie=cookie)
    return cookie


async def raw_post(client, head: str, body: bytes, read: bool = True) -> bytes:
    """Send a hand-made request; the server's answer (up to 64 KB, or until it closes)."""
    reader, writer = await asyncio.open_connection(client.host, client.port)
    try:
        writer.write(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        await writer.drain()
        if not read:
            return b""
        async with asyncio.timeout(5):
            return await reader.read(65536)
    finally:
        writer.close()


# ----- CSRF -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "text/plain;charset=UTF-8", None],
)
async def test_bodies_other_sites_can_send_without_asking_are_refused(client, content_type):
    cookie = await opened(client)
    headers = {"Cookie": f"ma_chat={cookie}"}
    if content_type:
        headers["Content-Type"] = content_type
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        response = await session.post(
            client.make_url("/api/chat"), data=b'{"text": "3"}', headers=headers
        )
        assert response.status == 415
    (node,) = rows(client.tmp_path, "SELECT node FROM sessions")
    assert node == ("start",) or node[0] != "form_name", "the typed '3' was not processed"


async def test_a_cross_site_origin_is_refused_and_the_own_origin_accepted(client):
    cookie = await opened(client)
    own = f"http://{client.host}:{client.port}"
    for origin in ("https://evil.example", "null", f"http://{client.host}:1", "javascript:x"):
        response = await chat(client, {"text": "2"}, cookie, Origin=origin)
        assert response.status == 403, origin
    form = aiohttp.FormData()
    form.add_field("photo", PNG, filename="a.png")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        response = await session.post(
            client.make_url("/api/chat"),
            data=form,
            headers={"Cookie": f"ma_chat={cookie}", "Origin": "https://evil.example"},
        )
        assert response.status == 403
    assert not (client.tmp_path / "media").exists()
    response = await chat(client, {"text": "2"}, cookie, Origin=own)
    assert response.status == 200
    assert (await response.json())["replies"][0]["text"] == "Layar satu."


# ----- headers --------------------------------------------------------------------------------


async def test_every_response_carries_the_security_headers(client):
    cookie = await opened(client)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        url = client.make_url
        responses = [
            await session.get(url("/")),
            await session.get(url("/static/webchat.js")),
            await session.get(url("/static/webchat.css")),
            await session.get(url("/healthz")),
            await session.post(url("/api/chat"), json={"text": "1"}),  # 400: no session
            await session.post(
                url("/api/chat"), json={"text": "1"}, headers={"Cookie": f"ma_chat={cookie}"}
            ),
            await session.get(url("/no/such/page")),  # 404 from the router
            await session.put(url("/api/chat")),  # 405
        ]
    assert [r.status for r in responses] == [200, 200, 200, 200, 400, 200, 404, 405]
    for response in responses:
        headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff", response.url
        assert headers["Referrer-Policy"] == "no-referrer"
        policy = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert headers["Server"] == "Migran Aman", headers["Server"]


async def test_a_malformed_request_does_not_reveal_the_server_version(client):
    answer = await raw_post(client, "GET / HTTP/1.1\nHost: x\nContent-Length: abc\n", b"")
    assert answer.startswith(b"HTTP/1.") and b" 400 " in answer[:13], answer
    assert b"\r\nServer: Migran Aman\r\n" in answer
    assert b"aiohttp" not in answer.lower() and b"python" not in answer.lower()


# ----- body caps ------------------------------------------------------------------------------


async def chunks(total: int, size: int = 8192) -> AsyncIterator[bytes]:
    """A JSON text message `total` bytes long, sent in chunks (no Content-Length)."""
    body = json.dumps({"text": "a" * (total - 12)}).encode()
    for start in range(0, len(body), size):
        yield body[start : start + size]


async def test_the_json_cap_holds_for_a_chunked_body(client):
    cookie = await opened(client)
    headers = {"Cookie": f"ma_chat={cookie}", "Content-Type": "application/json"}
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        url = client.make_url("/api/chat")
        response = await session.post(url, data=chunks(200_000), headers=headers)
        assert response.status == 413
        response = await session.post(url, data=chunks(MAX_JSON_BYTES - 10), headers=headers)
        assert response.status == 200, "up to the cap is fine"


async def test_an_endless_chunked_body_is_answered_without_reading_it_all(client):
    """The server answers 413 after the cap, while the body is still coming: it never
    waits for (or buffers) the whole body."""
    cookie = await opened(client)
    head = (
        "POST /api/chat HTTP/1.1\nHost: x\nContent-Type: application/json\n"
        f"Cookie: ma_chat={cookie}\nTransfer-Encoding: chunked\n"
    )
    piece = b"a" * 10_000
    body = b'{"text": "' + piece
    chunked = b"".join(f"{len(part):x}\r\n".encode() + part + b"\r\n" for part in [body] * 8)
    answer = await raw_post(client, head, chunked)  # 80 KB sent, no final chunk
    assert answer.startswith(b"HTTP/1.1 413")


async def multipart_upload(client, cookie: str, photo: bytes, before: bytes = b"") -> int:
    form = aiohttp.FormData()
    if before:
        form.add_field("note", before, filename="note.bin")
    form.add_field("photo", photo, filename="a.png", content_type="image/png")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        response = await session.post(
            client.make_url("/api/chat"),
            data=form,
            headers={"Cookie": f"ma_chat={cookie}"},
            chunked=True,  # no Content-Length to check up front
        )
        return response.status


async def test_uploads_are_capped_while_read_and_leave_no_file(client):
    cookie = await at_photo_step(client)
    media = client.tmp_path / "media"
    assert await multipart_upload(client, cookie, PNG + b"\0" * 200_000) == 413
    assert await multipart_upload(client, cookie, PNG, before=b"x" * 1_000_000) == 413
    assert not media.exists() or not any(media.iterdir())
    # without a session the server issued, an upload is not even read
    status = await multipart_upload(client, "0" * 32, PNG)
    assert status == 400 and not media.exists()


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data", b"no boundary"),
        ("multipart/form-data; boundary=zz", b"no starting boundary"),
        ("multipart/form-data; boundary=zz", b"--zz\r\n\r\n\r\n--zz--\r\n"),
    ],
)
async def test_a_malformed_upload_is_a_clear_400(client, content_type, body):
    cookie = await at_photo_step(client)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        response = await session.post(
            client.make_url("/api/chat"),
            data=body,
            headers={"Content-Type": content_type, "Cookie": f"ma_chat={cookie}"},
        )
        assert response.status == 400, await response.text()


async def test_a_broken_off_upload_leaves_no_file(client):
    cookie = await at_photo_step(client)
    boundary = "b0undary"
    part = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="a.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + PNG
        + b"\0" * 50_000
    )
    head = (
        f"POST /api/chat HTTP/1.1\nHost: x\nCookie: ma_chat={cookie}\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\nContent-Length: 90000\n"
    )
    await raw_post(client, head, part, read=False)  # 50 KB of 90, then the client is gone
    await settled(lambda: not client.server.runner.server.connections)  # handler ended
    media = client.tmp_path / "media"
    assert not media.exists() or not any(media.iterdir())
    assert (await client.get("/healthz")).status == 200


# ----- text -----------------------------------------------------------------------------------


async def test_a_lone_surrogate_is_not_a_database_error(client, caplog):
    cookie = await opened(client)
    failure = client.channel.runtime.content.flows.message("failure", "id")
    caplog.set_level(logging.ERROR)
    for body in (
        '{"text": "halo \\ud800"}',
        '{"text": "\\udfff\\ud800x"}',
        '{"choice": "\\ud800"}',
    ):
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
            response = await session.post(
                client.make_url("/api/chat"),
                data=body,
                headers={"Cookie": f"ma_chat={cookie}", "Content-Type": "application/json"},
            )
            assert response.status == 200
            replies = (await response.json())["replies"]
        assert replies and all(reply["text"] != failure for reply in replies), body
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
    assert len(session_ids(client.tmp_path)) == 1
