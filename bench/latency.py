"""Latency at one fixed offered rate, repeated: how steady the webhook path's p99 is.

`make bench` measures latency at 2,000 messages/s and at half the measured maximum; the
maximum itself moves with the shared core's speed, so those points move too. This holds
the offered rate fixed and repeats the run, each time with a fresh server:

    .venv/bin/python bench/latency.py --channel whatsapp --rate 300 --runs 6
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import LOAD_CPU, content_dir, remove  # noqa: E402
from bench.load import Result  # noqa: E402
from bench.webhook import loaded_server  # noqa: E402


async def one_run(channel: str, users: int, rate: float, seconds: float) -> Result:
    """A fresh server; the script walked once to calibrate, then `rate` messages/s offered."""
    content, _ = content_dir()
    async with loaded_server(channel, users, content) as (load, server):
        result = await load.open_loop(rate, seconds)
    remove(server)
    return result


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--channel", choices=["whatsapp", "telegram"], default="whatsapp")
    parser.add_argument("--rate", type=float, default=300.0, help="messages/s offered")
    parser.add_argument("--users", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=8.0)
    options = parser.parse_args()
    os.sched_setaffinity(0, {LOAD_CPU})
    print(f"{options.channel}, {options.users:,} users, {options.rate:,.0f} msg/s offered")
    print("| run | answered msg/s | p50 ms | p99 ms |\n|---|---|---|---|")
    for run in range(1, options.runs + 1):
        result = await one_run(options.channel, options.users, options.rate, options.seconds)
        print(
            f"| {run} | {result.rate:,.0f} | {result.percentile(0.5):.1f} "
            f"| {result.percentile(0.99):.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    asyncio.run(main())
