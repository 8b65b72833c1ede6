"""What both platform fakes share: waiting until the calls they recorded satisfy a test."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class RecordingFake:
    """A fake platform API that records calls; `recorded()` wakes whoever waits in `wait_for`."""

    def __init__(self) -> None:
        self._changed = asyncio.Event()

    def recorded(self) -> None:
        """Call after recording a call."""
        self._changed.set()

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until `predicate()` holds, waking on every recorded call."""
        async with asyncio.timeout(timeout):
            while not predicate():
                self._changed.clear()
                if predicate():
                    return
                await self._changed.wait()
