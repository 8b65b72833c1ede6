"""The full webhook path under load: signed POST -> dedupe -> engine -> SQLite commit ->
outbound call to the fake platform, for WhatsApp, Telegram, and their bare floors."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter

from bench.fakes import FakePlatforms
from bench.harness import (
    LOAD_CPU,
    DatabaseSize,
    Server,
    database_size,
    fake_platforms,
    remove,
    server_process,
)
from bench.load import Load, Result

OFFERED_RATE = 2_000  # messages/s for the latency figures
BARE_TELEGRAM = "bare PTB echo"
BARE_WHATSAPP = "bare aiohttp echo"


@dataclass
class WebhookRun:
    """Everything one scenario measured."""

    name: str
    users: int
    expected: list[int]
    latency: Result  # open loop at OFFERED_RATE
    capacity: Result  # closed loop
    relaxed: Result  # open loop at half the closed loop's rate
    peak_rss_mb: float
    server_cpu: float  # share of the server's core used during the closed loop
    database: DatabaseSize | None


@asynccontextmanager
async def loaded_server(
    channel: str, users: int, content: Path, bare: bool = False
) -> AsyncIterator[tuple[Load, Server]]:
    """A fresh server (the platforms' rate limits lifted) and `users` simulated users of
    `channel` aimed at it, the script calibrated. The server is stopped on exit; its folder
    stays for the caller to measure, then `remove`."""
    os.sched_setaffinity(0, {LOAD_CPU})
    load = Load(channel, 0, users + 1)  # one more: the calibration user
    platforms = FakePlatforms(on_sent=load.on_sent)
    mode = ("bare-whatsapp" if channel == "whatsapp" else "bare") if bare else "app"
    unlimited = ["--telegram-scale", "100000", "--whatsapp-rate", "1000000"]
    async with (
        fake_platforms(platforms) as api,
        server_process(mode, api, content, *unlimited) as server,
    ):
        load.client.port = server.port
        await load.calibrate()
        try:
            yield load, server
        finally:
            load.close()


async def run(
    channel: str,
    users: int,
    content: Path,
    bare: bool = False,
    seconds: float = 8.0,
) -> WebhookRun:
    async with loaded_server(channel, users, content, bare) as (load, server):
        latency = await load.open_loop(OFFERED_RATE, seconds)
        cpu_before, started = server.cpu_seconds(), perf_counter()
        capacity = await load.closed_loop(seconds)
        server_cpu = (server.cpu_seconds() - cpu_before) / (perf_counter() - started)
        relaxed = await load.open_loop(max(1.0, capacity.rate / 2), seconds)
        peak = server.peak_rss_mb()
    database = None if bare else await database_size(server.database, users + 1)
    remove(server)
    name = (BARE_WHATSAPP if channel == "whatsapp" else BARE_TELEGRAM) if bare else channel
    return WebhookRun(
        name, users, load.expected, latency, capacity, relaxed, peak, server_cpu, database
    )
