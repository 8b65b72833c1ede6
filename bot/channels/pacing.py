"""Pacing outbound calls to a platform's rate limit, so the platform never answers 429.

Two rules, both kept by `RateLimiter.slot()`:

- calls start in evenly spaced slots (`per_second`), so a burst of queued messages
  goes out at a steady rate instead of all at once; a slot left unused because no
  message was ready at that instant may still be taken a few slots later
  (`CATCH_UP_SLOTS`), so short hiccups of the sender do not lower the rate;
- optionally, at most `window` calls in any `period` seconds, counted the safe way: a
  call counts from its start until its answer arrives, because the platform received
  it somewhere in between. Evenly spaced starts alone are not enough: when one call is
  slow to arrive (a new connection, a busy moment) the next ones catch up with it, and
  31 calls land inside one second although they started 34 ms apart. A call that
  hangs holds up its successor `window` places later by two periods at most.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator

CATCH_UP_SLOTS = 4


class RateLimiter:
    """Evenly spaced call slots, with an optional strict sliding-window cap."""

    def __init__(self, per_second: float, window: int = 0, period: float = 1.0) -> None:
        self.interval = 1.0 / per_second
        self.period = period
        self._next = 0.0
        self._recent: deque[asyncio.Future[float]] | None = deque(maxlen=window) if window else None

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Wait for this call's turn; the call is made inside the `async with` block."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        start = max(now - CATCH_UP_SLOTS * self.interval, self._next)
        self._next = start + self.interval
        answered: asyncio.Future[float] = loop.create_future()
        window_ago = self._reserve(answered)
        try:
            if start > now:
                await asyncio.sleep(start - now)
            if window_ago is not None:
                try:  # a call unanswered after a whole period has surely arrived by now
                    async with asyncio.timeout(self.period):  # (wait_for may swallow a stop)
                        ended = await asyncio.shield(window_ago)
                except TimeoutError:
                    ended = loop.time()
                delay = ended + self.period - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
            yield
        finally:
            answered.set_result(loop.time())

    def _reserve(self, answered: asyncio.Future[float]) -> asyncio.Future[float] | None:
        """Take a place in the window; return the call `window` places earlier, if any."""
        recent = self._recent
        if recent is None:
            return None
        earlier = recent[0] if len(recent) == recent.maxlen else None
        recent.append(answered)
        return earlier
