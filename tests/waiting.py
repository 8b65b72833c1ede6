"""Waiting for "all work done" instead of sleeping: a test that asserts that nothing more
happened first waits until the parts that could still do it are idle."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable

Check = Callable[[], bool | Awaitable[bool]]


async def settled(*checks: Check, timeout: float = 10.0, steady: int = 3) -> None:
    """Return once every check says idle on `steady` looks in a row (a few ms apart, so work
    handed from one task to the next is not missed between two looks); fail after
    `timeout` seconds."""
    async with asyncio.timeout(timeout):
        calm = 0
        while calm < steady:
            await asyncio.sleep(0.005)
            calm = calm + 1 if await _all_idle(checks) else 0


async def _all_idle(checks: tuple[Check, ...]) -> bool:
    for check in checks:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if not result:
            return False
    return True
