"""Hardening 9: slow clients cannot take the server down.

The attack: connections that send their headers a byte at a time (or nothing at all) were
never closed; 50 a second exhausted 20,000 file descriptors and `/healthz` failed. Against a
real `python -m bot run` (short timeout and a small cap from its config file): a connection
that has not sent a whole request within `server.idle_timeout_seconds` is closed however
slowly it trickles; at most `server.max_connections` are open at once (one more gets 503 and
is closed); the process's file descriptors stay bounded; when the attack stops the server
answers at once. The session key file is created next to the database, 0600.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from bot.channels.webchat import KEY_FILE
from tests.bot_process import free_port
from tests.conftest import ROOT

IDLE_SECONDS = 1.5
CAP = 40


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, int, subprocess.Popen]]:
    """The real bot server; yields (host, port, process)."""
    port = free_port()
    config = tmp_path / "config.yaml"
    config.write_text(
        f"server:\n  idle_timeout_seconds: {IDLE_SECONDS}\n  max_connections: {CAP}\n"
        f"media:\n  dir: {tmp_path / 'media'}\n"
    )
    env = {
        **os.environ,
        "NO_PROXY": "127.0.0.1,localhost",
        "BOT_CONFIG": str(config),
        "BOT_HOST": "127.0.0.1",
        "BOT_PORT": str(port),
        "BOT_DB": str(tmp_path / "db" / "bot.db"),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("WEB_SESSION_SECRET", None)
    log_path = tmp_path / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, stdout=log, stderr=log
        )
        try:
            deadline = time.monotonic() + 20
            while not _healthy(port):
                assert process.poll() is None, log_path.read_text()[-3000:]
                assert time.monotonic() < deadline, log_path.read_text()[-3000:]
                time.sleep(0.1)
            yield "127.0.0.1", port, process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _healthy(port: int) -> bool:
    import urllib.request

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def open_descriptors(process: subprocess.Popen) -> int:
    return len(os.listdir(f"/proc/{process.pid}/fd"))


async def slow_client(host: str, port: int, stop: asyncio.Event) -> float | None:
    """Send a request's headers one line every 0.3 s, never finishing them; the seconds
    until the server closed the connection (None: still open when told to stop)."""
    reader, writer = await asyncio.open_connection(host, port)
    started = time.monotonic()
    try:
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        for n in range(1000):
            if stop.is_set():
                return None
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(0.3):
                    if not await reader.read(1024):
                        return time.monotonic() - started
            writer.write(f"X-Slow-{n}: {n}\r\n".encode())
            with contextlib.suppress(ConnectionError):
                await writer.drain()
        return None
    except ConnectionError:
        return time.monotonic() - started
    finally:
        writer.close()


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="counts descriptors in /proc")
async def test_slow_header_connections_are_cut_off_and_capped(server):
    host, port, process = server
    baseline = open_descriptors(process)
    stop = asyncio.Event()
    slow = [asyncio.create_task(slow_client(host, port, stop)) for _ in range(CAP)]
    await asyncio.sleep(0.3)
    assert open_descriptors(process) <= baseline + CAP + 2

    # the cap is reached: one more connection gets 503 at once and is closed
    reader, writer = await asyncio.open_connection(host, port)
    async with asyncio.timeout(3):
        answer = await reader.read()
    writer.close()
    assert answer.startswith(b"HTTP/1.1 503") and b"Server: Migran Aman" in answer

    # however slowly they trickle, the server closes them after the idle timeout
    async with asyncio.timeout(IDLE_SECONDS + 5):
        closed_after = await asyncio.gather(*slow)
    assert all(s is not None and s < IDLE_SECONDS + 2 for s in closed_after), closed_after
    stop.set()
    await asyncio.sleep(0.2)
    assert open_descriptors(process) <= baseline + 2
    assert _healthy(port), "the server answers at once when the attack stops"


async def test_waves_of_slow_connections_leave_the_descriptors_bounded(server):
    host, port, process = server
    baseline = open_descriptors(process)
    stop = asyncio.Event()
    tasks: list[asyncio.Task] = []
    peak = 0
    for _ in range(12):  # 50 a second for 3 s: more than the cap could ever hold
        tasks += [asyncio.create_task(slow_client(host, port, stop)) for _ in range(12)]
        await asyncio.sleep(0.25)
        peak = max(peak, open_descriptors(process))
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    assert peak <= baseline + CAP + 8, (peak, baseline)
    async with asyncio.timeout(IDLE_SECONDS + 5):
        while not _healthy(port):
            await asyncio.sleep(0.1)


async def test_an_idle_kept_alive_connection_is_closed(server):
    host, port, _ = server
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    async with asyncio.timeout(5):
        head = await reader.readuntil(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200")
        started = time.monotonic()
        while await reader.read(4096):
            pass
    writer.close()
    assert time.monotonic() - started < IDLE_SECONDS + 1.5


async def test_an_upload_broken_off_leaves_no_file_and_no_error(server, tmp_path):
    host, port, _ = server
    async with aiohttp.ClientSession() as session:
        response = await session.post(f"http://{host}:{port}/api/chat", json={"open": True})
        cookie = response.cookies["ma_chat"].value
    _, writer = await asyncio.open_connection(host, port)
    writer.write(
        f"POST /api/chat HTTP/1.1\r\nHost: x\r\nCookie: ma_chat={cookie}\r\n"
        "Content-Type: multipart/form-data; boundary=zz\r\nContent-Length: 900000\r\n\r\n"
        '--zz\r\nContent-Disposition: form-data; name="photo"; filename="a.png"\r\n\r\n'.encode()
        + b"\x89PNG\r\n\x1a\n"
        + b"\0" * 300_000
    )
    await writer.drain()
    writer.close()  # 300 KB of 900, then the client is gone
    await asyncio.sleep(0.5)
    assert _healthy(port)
    media = tmp_path / "media"
    assert not media.exists() or not any(media.iterdir())
    log = (tmp_path / "server.log").read_text()
    assert "Error handling request" not in log and "Traceback" not in log, log[-2000:]


async def test_the_session_key_is_created_next_to_the_database(server, tmp_path):
    _, port, _ = server
    key = tmp_path / "db" / KEY_FILE
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    async with aiohttp.ClientSession() as session:
        response = await session.post(f"http://127.0.0.1:{port}/api/chat", json={"open": True})
        assert response.status == 200
        assert response.headers["Server"] == "Migran Aman"
