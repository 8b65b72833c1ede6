"""A count of recent events per key (a client address), kept in memory only.

Used for the cap on reports per client address per hour: addresses are never
written to the database, so this lives in the process and is forgotten on restart.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

SWEEP_AT = 10_000
SWEEP_EVERY = timedelta(seconds=1)


class RecentCounter:
    """At most `limit` events per key within `window`; old keys are swept away."""

    def __init__(self, limit: int, window: timedelta) -> None:
        self.limit = limit
        self.window = window
        self._events: dict[str, deque[datetime]] = {}
        self._swept: datetime | None = None

    def allow(self, key: str, now: datetime) -> bool:
        """Count one event for `key` if it is under the limit; False (not counted) if not."""
        if not key:
            return True
        events = self._events.setdefault(key, deque())
        while events and now - events[0] > self.window:
            events.popleft()
        if len(events) >= self.limit:
            return False
        events.append(now)
        if len(self._events) > SWEEP_AT and (
            self._swept is None or now - self._swept >= SWEEP_EVERY
        ):
            self._sweep(now)  # at most once a second: not a full walk for every event
            self._swept = now
        return True

    def _sweep(self, now: datetime) -> None:
        stale = [
            key
            for key, events in self._events.items()
            if not events or now - events[-1] > self.window
        ]
        for key in stale:
            del self._events[key]
