"""Outbound pacing: sends go out evenly spaced and never exceed a platform's per-second cap,
even when one send is slow to reach the platform (the cause of Telegram's 429 answers)."""

from __future__ import annotations

import asyncio

from bot.channels.pacing import CATCH_UP_SLOTS, RateLimiter


def most_in_window(times: list[float], period: float) -> int:
    times = sorted(times)
    return max(
        sum(1 for other in times[index:] if other < time + period)
        for index, time in enumerate(times)
    )


async def test_calls_keep_to_the_rate():
    # 20 calls at 100/s: after the few slots that may be caught up, 10 ms apart.
    limiter = RateLimiter(per_second=100)
    loop = asyncio.get_running_loop()
    started = loop.time()
    for _ in range(20):
        async with limiter.slot():
            pass
    assert loop.time() - started >= (20 - 1 - CATCH_UP_SLOTS) * 0.01 - 0.001


async def send_burst(limiter: RateLimiter, calls: int, slow_first: float) -> list[float]:
    """Fire `calls` concurrent sends; the first takes `slow_first` s to reach the platform
    (a new connection, say), the rest arrive at once. Returns the arrival times."""
    loop = asyncio.get_running_loop()
    arrivals: list[float] = []

    async def send(index: int) -> None:
        async with limiter.slot():
            await asyncio.sleep(slow_first if index == 0 else 0)
            arrivals.append(loop.time())

    await asyncio.gather(*(send(index) for index in range(calls)))
    return arrivals


async def test_a_slow_send_does_not_let_the_next_ones_overrun_the_cap():
    # Telegram's 30 per second, scaled to 0.1 s so the test is quick; the rate is 96 %.
    period, cap = 0.1, 30
    arrivals = await send_burst(RateLimiter(288, window=cap, period=period), 45, 0.02)
    assert most_in_window(arrivals, period) <= cap


async def test_without_the_cap_the_same_burst_overruns_it():
    # The same burst with evenly spaced starts only: the reason the cap exists.
    arrivals = await send_burst(RateLimiter(288), 45, 0.02)
    assert most_in_window(arrivals, 0.1) > 30


async def test_a_hanging_call_holds_up_the_next_ones_two_periods_at_most():
    limiter = RateLimiter(1000, window=2, period=0.05)
    loop = asyncio.get_running_loop()
    release = asyncio.Event()

    async def hanging() -> None:
        async with limiter.slot():
            await release.wait()

    stuck = asyncio.create_task(hanging())
    await asyncio.sleep(0.01)  # it has its slot and waits for its answer
    async with limiter.slot():
        pass
    started = loop.time()
    async with limiter.slot():  # two places after the hanging call
        waited = loop.time() - started
    release.set()
    await stuck
    assert 0.04 <= waited <= 0.15


async def test_a_cancelled_call_gives_up_its_place():
    limiter = RateLimiter(1000, window=1, period=0.05)
    loop = asyncio.get_running_loop()

    async def call() -> None:
        async with limiter.slot():
            await asyncio.sleep(10)

    first = asyncio.create_task(call())
    await asyncio.sleep(0.01)
    first.cancel()
    await asyncio.gather(first, return_exceptions=True)
    started = loop.time()
    async with limiter.slot():
        waited = loop.time() - started
    assert waited <= 0.06, "waits one period from the cancellation, not for the dead call"
