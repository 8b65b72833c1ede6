"""`make bench`: engine speed on one core, printed as a table with the method of each figure.

Measures the pure engine step (no I/O) on the shipped content: menu navigation
and an `ask` with validation (test fixture content). Figures are from one run
on this machine; rerun to compare.
"""

from __future__ import annotations

import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.actions import load_actions  # noqa: E402
from bot.content import load_content  # noqa: E402
from bot.engine.step import step  # noqa: E402
from bot.messages import Inbound, InboundKind  # noqa: E402
from tests.conftest import make_content_dir  # noqa: E402

STEPS = 50_000


def measure(flows, script: list[str]) -> tuple[float, float, float]:
    """Run `script` over and over through `step`; return steps/s, median and p99 in µs."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    session = None
    timings = []
    for index in range(STEPS):
        inbound = Inbound("bench", "u", InboundKind.TEXT, now, text=script[index % len(script)])
        started = time.perf_counter_ns()
        turn = step(flows, session, inbound, now)
        timings.append(time.perf_counter_ns() - started)
        session = turn.session
        now += timedelta(seconds=1)
    total = sum(timings) / 1e9
    timings.sort()
    return (
        STEPS / total,
        statistics.median(timings) / 1000,
        timings[int(len(timings) * 0.99)] / 1000,
    )


def main() -> None:
    actions = load_actions()
    shipped, _ = load_content(ROOT / "content", actions)
    with tempfile.TemporaryDirectory() as folder:
        fixture, _ = load_content(make_content_dir(Path(folder)), actions)
    rows = [
        (
            "menu navigation (shipped content)",
            measure(shipped.flows, ["2", "kembali", "1", "menu"]),
        ),
        (
            "ask with validation (text, number, phone, yes/no)",
            measure(fixture.flows, ["menu", "3", "Siti", "25", "0812 3456 7890", "ya"]),
        ),
    ]
    print(
        f"Migran Aman engine benchmark — {datetime.now(UTC):%Y-%m-%d}, "
        f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}"
    )
    print(
        f"method: {STEPS:,} calls of engine.step() in one thread, timed one by one with "
        "perf_counter_ns\n"
    )
    print(f"| {'scenario':<52} | {'steps/s':>9} | {'median µs':>9} | {'p99 µs':>7} |")
    print(f"|{'-' * 54}|{'-' * 11}|{'-' * 11}|{'-' * 9}|")
    for name, (rate, median, p99) in rows:
        print(f"| {name:<52} | {rate:>9,.0f} | {median:>9.1f} | {p99:>7.1f} |")


if __name__ == "__main__":
    main()
