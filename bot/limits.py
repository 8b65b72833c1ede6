"""Limits per key (a user, a client address), kept in memory only.

One token bucket serves every limit: the per-user flood limit of the runtime, the web
chat's limit per address, the caps on reports and received files, the refusals to
non-officers. Addresses are never written to the database, so these live in the process
and are forgotten on restart.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable


class Throttle:
    """A limit per key (a user, an address): a token bucket of `burst`, refilled at
    `per_minute` (an hourly cap of N is `Throttle(N, N / 60)`).

    `admit` says whether a message may be processed, and whether a refused one is the
    first of its flood (the user gets one "slow down" reply; the rest are dropped
    silently until the bucket has refilled completely). Buckets that have refilled are
    forgotten, so memory stays bounded.
    """

    ADMIT, NOTIFY, DROP = "admit", "notify", "drop"
    SWEEP_AT = 10_000
    SWEEP_EVERY = 1.0  # seconds

    def __init__(
        self, burst: int, per_minute: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.burst = burst
        self.rate = per_minute / 60.0
        self.clock = clock
        self._buckets: dict[Hashable, tuple[float, float, bool]] = {}
        self._swept = float("-inf")

    def allows(self, key: Hashable) -> bool:
        """Whether one more event for `key` fits (and count it); an empty key always does."""
        return not key or self.admit(key) == self.ADMIT

    def admit(self, key: Hashable) -> str:
        """ADMIT, NOTIFY (refused, first of a flood) or DROP (refused, already told)."""
        now = self.clock()
        tokens, last, told = self._buckets.get(key, (float(self.burst), now, False))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        told = told and tokens < self.burst  # a full bucket: the flood is over
        if tokens >= 1.0:
            self._buckets[key] = (tokens - 1.0, now, told)
            verdict = self.ADMIT
        else:
            self._buckets[key] = (tokens, now, True)
            verdict = self.DROP if told else self.NOTIFY
        if len(self._buckets) > self.SWEEP_AT and now - self._swept >= self.SWEEP_EVERY:
            self._sweep(now)  # at most once a second: not a full walk for every message
            self._swept = now
        return verdict

    def _sweep(self, now: float) -> None:
        full = [
            key
            for key, (tokens, last, _) in self._buckets.items()
            if tokens + (now - last) * self.rate >= self.burst
        ]
        for key in full:
            del self._buckets[key]
