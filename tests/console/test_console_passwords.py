"""Password checks are slow on purpose (argon2): a flood of sign-ins must queue for a few
slots, never take every thread and core of the server."""

from __future__ import annotations

import asyncio
import threading

from bot.console import passwords
from bot.console.passwords import CHECKS_AT_ONCE, PasswordChecks


async def test_at_most_two_password_checks_run_at_once(monkeypatch):
    running, most = 0, 0
    lock, release = threading.Lock(), threading.Event()

    def verify(stored: str, password: str, real: str | None) -> bool:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        release.wait(10)
        with lock:
            running -= 1
        return False

    monkeypatch.setattr(passwords, "_verify", verify)
    checks = PasswordChecks()
    tasks = [asyncio.create_task(checks.matches(None, "a-long-password")) for _ in range(8)]
    for _ in range(1000):  # until the first checks hold their slots
        await asyncio.sleep(0.005)
        if running >= CHECKS_AT_ONCE:
            break
    for _ in range(20):  # the others had every chance to start meanwhile
        await asyncio.sleep(0)
    release.set()
    assert await asyncio.gather(*tasks) == [False] * 8
    assert CHECKS_AT_ONCE == 2 and most == CHECKS_AT_ONCE
