"""Engine steps per second on one core: the pure `engine.step`, no I/O."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.harness import SERVER_CPU
from bot.actions import load_actions
from bot.content import load_content
from bot.engine.step import step
from bot.messages import Inbound, InboundKind
from tests.conftest import make_content_dir

STEPS = 20_000  # per round
ROUNDS = 5
MENU_SCRIPT = ["2", "kembali", "1", "menu"]
ASK_SCRIPT = ["menu", "3", "Siti", "25", "0812 3456 7890", "ya"]


@dataclass
class EngineRun:
    name: str
    rate: float  # steps/s, the median round
    low: float  # the slowest round
    high: float  # the fastest round
    median_us: float  # of all steps
    p99_us: float


def measure(name: str, flows, script: list[str], steps: int = STEPS) -> EngineRun:
    """Run `script` over and over through `step` in ROUNDS rounds of `steps`, each call timed
    with perf_counter_ns."""
    rates: list[float] = []
    timings: list[int] = []
    for _ in range(ROUNDS):
        round_timings = timed_steps(flows, script, steps)
        rates.append(steps / (sum(round_timings) / 1e9))
        timings += round_timings
    timings.sort()
    return EngineRun(
        name,
        statistics.median(rates),
        min(rates),
        max(rates),
        statistics.median(timings) / 1000,
        timings[int(len(timings) * 0.99)] / 1000,
    )


def timed_steps(flows, script: list[str], steps: int) -> list[int]:
    """Nanoseconds of each of `steps` calls of `step`, cycling through `script`."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    inbounds = [Inbound("bench", "u", InboundKind.TEXT, now, text=text) for text in script]
    session = None
    timings = []
    for index in range(steps):
        inbound = inbounds[index % len(inbounds)]
        started = time.perf_counter_ns()
        turn = step(flows, session, inbound, now)
        timings.append(time.perf_counter_ns() - started)
        session = turn.session
        now += timedelta(seconds=1)
    return timings


def run(content: Path) -> list[EngineRun]:
    """Menu navigation on the given content, an ask flow with validation on the test fixture;
    pinned to the server's core, after a warm-up pass."""
    affinity = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {SERVER_CPU})
    try:
        actions = load_actions()
        shipped, _ = load_content(content, actions)
        with tempfile.TemporaryDirectory() as folder:
            fixture, _ = load_content(make_content_dir(Path(folder)), actions)
        assert shipped is not None and fixture is not None
        timed_steps(shipped.flows, MENU_SCRIPT, 5_000)  # warm-up
        return [
            measure("menu navigation (shipped content)", shipped.flows, MENU_SCRIPT),
            measure("ask with validation (text, number, phone, yes/no)", fixture.flows, ASK_SCRIPT),
        ]
    finally:
        os.sched_setaffinity(0, affinity)
