"""Broadcast fan-out: one bulk message to many users through the Telegram adapter's outbox,
against a fake Bot API that enforces Telegram's flood limits and answers 429 beyond them."""

from __future__ import annotations

import asyncio
import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter

from bench.fakes import FakePlatforms, TelegramLimits, max_in_window
from bench.harness import LOAD_CPU, fake_platforms, remove, server_process
from bench.wire import Client

FIRST_CHAT = 50_000_000


@dataclass
class BroadcastRun:
    users: int
    allowed: float  # messages/s the fake allows overall
    delivered: int
    seconds: float  # first accepted send to last
    too_many: int  # 429 answers
    busiest_second: int  # most sends accepted inside any 1-s window
    queue_seconds: float  # time to put the broadcast into the outbox

    @property
    def rate(self) -> float:
        return (self.delivered - 1) / self.seconds if self.seconds else 0.0

    @property
    def fraction(self) -> float:
        return self.rate / self.allowed


async def run(users: int, scale: float, content: Path, timeout: float = 240.0) -> BroadcastRun:
    """Send to `users` chats with Telegram's limits (30/s overall, 1/s per chat) times `scale`,
    the adapter's own limiter scaled alike."""
    os.sched_setaffinity(0, {LOAD_CPU})
    done = asyncio.Event()
    platforms = FakePlatforms(
        on_sent=lambda chat, now: done.set() if platforms.sends >= users else None,
        limits=TelegramLimits(overall=30 * scale, per_chat=1 * scale),
        record_times=True,
    )
    async with (
        fake_platforms(platforms) as api,
        server_process("app", api, content, "--telegram-scale", str(scale)) as server,
    ):
        client = Client("127.0.0.1", server.port)
        started = perf_counter()
        status, _ = await client.post(f"/bench/broadcast?users={users}&first={FIRST_CHAT}", b"", {})
        assert status == 200, f"broadcast: HTTP {status}"
        queued = perf_counter() - started
        client.close()
        with contextlib.suppress(TimeoutError):  # report what arrived
            async with asyncio.timeout(timeout):
                await done.wait()
    remove(server)
    times = platforms.accepted_at
    return BroadcastRun(
        users=users,
        allowed=30 * scale,
        delivered=len(times),
        seconds=times[-1] - times[0] if len(times) > 1 else 0.0,
        too_many=platforms.too_many,
        busiest_second=max_in_window(times),
        queue_seconds=queued,
    )
