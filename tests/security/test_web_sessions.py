"""Hardening 2 and Low (cookies): the web chat issues its session ids and never accepts one
it did not issue; its cookie is HttpOnly, SameSite=Strict, and Secure behind HTTPS.

The attack: any 32-hex cookie was accepted, so a script could invent session ids at will
(one per request, past the per-user flood limit) or plant one in a victim's browser. Each
test drives the real aiohttp app (`build_app`) over HTTP. This module also holds the small
helper the other `test_web_*` modules use to start that app.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import ssl
import stat
import subprocess
from contextlib import AbstractAsyncContextManager
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from bot.channels.webchat import (
    COOKIE,
    KEY_FILE,
    SessionSigner,
    WebChatChannel,
    load_session_secret,
)
from bot.config import load_config
from bot.limits import Throttle
from tests.runtimes import web_chat_client


def web_client(
    tmp_path: Path, content: Any, actions: Any, tls: ssl.SSLContext | None = None, **options: Any
) -> AbstractAsyncContextManager[TestClient]:
    """The web chat app with the server's per-user flood limit, as `python -m bot run` sets
    it (see `tests.runtimes.web_chat_client`)."""
    throttle = Throttle(20, 60)
    return web_chat_client(tmp_path, content, actions, tls=tls, throttle=throttle, **options)


def rows(tmp_path: Path, sql: str, *params: Any) -> list[tuple]:
    connection = sqlite3.connect(tmp_path / "bot.db")
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def session_ids(tmp_path: Path) -> set[str]:
    return {user for (user,) in rows(tmp_path, "SELECT user_ref FROM sessions")}


def set_cookie(response: aiohttp.ClientResponse) -> SimpleCookie:
    cookie: SimpleCookie = SimpleCookie()
    for header in response.headers.getall("Set-Cookie", []):
        cookie.load(header)
    return cookie


async def chat(client: TestClient, body: dict, cookie: str | None = None, **headers: str):
    """POST /api/chat with exactly this cookie (or none), outside the client's cookie jar."""
    if cookie is not None:
        headers["Cookie"] = f"{COOKIE}={cookie}"
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        response = await session.post(client.make_url("/api/chat"), json=body, headers=headers)
        await response.read()
        return response


@pytest.fixture
async def client(tmp_path: Path, fixture_content, actions):
    async with web_client(tmp_path, fixture_content, actions, secret=b"k" * 32) as client:
        yield client


async def test_a_cookie_the_server_did_not_issue_is_never_used(client, tmp_path):
    invented = "0123456789abcdef0123456789abcdef"  # what any 32-hex cookie looked like
    other_install = SessionSigner(b"another install's secret").issue()[1]
    genuine_id, genuine = SessionSigner(b"k" * 32).issue()
    tampered = "f" * 32 + genuine[32:]  # a real signature on another id
    for forged in (invented, other_install, tampered, genuine + "0", f"{genuine_id}.", ""):
        response = await chat(client, {"text": "2"}, forged)
        assert response.status == 400, forged
        assert (await response.json())["reopen"] is True
        assert "Set-Cookie" not in response.headers
    assert session_ids(tmp_path) == set(), "no session for a forged cookie"

    # opening with a forged cookie gets a fresh, server-issued one
    response = await chat(client, {"open": True}, invented)
    assert response.status == 200
    issued = set_cookie(response)[COOKIE].value
    session_id = SessionSigner(b"k" * 32).verify(issued)
    assert session_id is not None and session_id != invented
    assert session_ids(tmp_path) == {session_id}

    # the issued cookie carries the conversation on
    response = await chat(client, {"text": "2"}, issued)
    assert response.status == 200 and "Set-Cookie" not in response.headers
    assert (await response.json())["replies"][0]["text"] == "Layar satu."


async def test_cookie_is_httponly_strict_and_secure_only_over_https(
    tmp_path, fixture_content, actions
):
    async with web_client(tmp_path, fixture_content, actions, trusted_proxies=["127.0.0.1"]) as c:
        plain = set_cookie(await chat(c, {"open": True}))[COOKIE]
        assert plain["httponly"] and plain["samesite"] == "Strict" and plain["path"] == "/"
        assert not plain["secure"], "a Secure cookie would not come back over plain HTTP"
        # the trusted proxy says the client used HTTPS
        https = set_cookie(await chat(c, {"open": True}, **{"X-Forwarded-Proto": "https"}))
        assert https[COOKIE]["secure"] and https[COOKIE]["samesite"] == "Strict"
    async with web_client(tmp_path / "u", fixture_content, actions) as c:
        # nobody is trusted: the header is the client's own word, not believed
        response = await chat(c, {"open": True}, **{"X-Forwarded-Proto": "https"})
        assert not set_cookie(response)[COOKIE]["secure"]


@pytest.mark.skipif(not shutil.which("openssl"), reason="needs openssl for a test certificate")
async def test_cookie_is_secure_when_the_server_itself_speaks_tls(
    tmp_path, fixture_content, actions
):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    async with (
        web_client(tmp_path, fixture_content, actions, tls=context) as c,
        aiohttp.ClientSession() as session,
    ):
        response = await session.post(str(c.make_url("/api/chat")), json={"open": True}, ssl=False)
        assert response.status == 200
        assert set_cookie(response)[COOKIE]["secure"]


def test_the_session_key_is_a_0600_file_next_to_the_database(tmp_path):
    key_file = tmp_path / "data" / KEY_FILE
    secret = load_session_secret("", key_file)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(secret) == 64 and load_session_secret("", key_file) == secret, "kept"
    os.chmod(key_file, 0o644)
    load_session_secret("", key_file)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600, "tightened again"
    # WEB_SESSION_SECRET wins, and then no file is needed
    other = tmp_path / "other" / KEY_FILE
    assert load_session_secret("x" * 20, other) == b"x" * 20 and not other.exists()


async def test_cookies_survive_a_restart_and_a_new_secret_ends_them(
    make_runtime, tmp_path, fixture_content
):
    config = load_config({"BOT_DB": str(tmp_path / "db" / "bot.db")})
    runtime = await make_runtime(fixture_content, {})
    first = WebChatChannel.from_config(runtime, config)
    assert (tmp_path / "db" / KEY_FILE).exists()
    session_id, cookie = first.signer.issue()
    assert WebChatChannel.from_config(runtime, config).signer.verify(cookie) == session_id
    rotated = load_config(
        {"BOT_DB": str(tmp_path / "db" / "bot.db"), "WEB_SESSION_SECRET": "s" * 32}
    )
    assert WebChatChannel.from_config(runtime, rotated).signer.verify(cookie) is None
