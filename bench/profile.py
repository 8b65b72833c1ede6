"""Summarise a py-spy raw profile of the server: where the server's core spends its time.

`BENCH_PROFILE=/some/dir make bench` (or bench.py --only ...) records every server process
with py-spy (`py-spy record -f raw`); then `python bench/profile.py /some/dir/app-*.txt`
prints the share of samples per thread, per area of the code, and the top functions
by own and by inclusive time.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

IDLE = re.compile(  # leaf frames of a thread that waits (py-spy counts some of them as busy)
    r"^(_worker \(concurrent/futures/thread\.py|Store\._worker \(store\.py|"
    r"EpollSelector\.select \(selectors\.py|Event\.wait|Condition\.wait)"
)
AREAS = [  # (area, pattern on a frame), first match from the leaf up wins
    ("SQLite BEGIN/COMMIT (includes the fsync wait)", r"^$"),
    ("SQLite queries (writer thread)", r"\(store\.py.*|execute \(sqlite_utils"),
    ("engine step", r"\(engine/"),
    ("actions + dialog", r"\((actions/|dialog\.py)"),
    ("logging", r"\(logging/"),
    ("JSON", r"\(json/"),
    ("PTB (telegram package)", r"\(telegram/"),
    ("httpx/httpcore (PTB's HTTP client)", r"\((httpx|httpcore|h11|anyio)/"),
    ("aiohttp server + client", r"\((aiohttp|yarl|multidict)/"),
    ("bot channels + runtime", r"\((channels/|runtime\.py|delivery\.py|messages\.py)"),
    ("asyncio event loop", r"\((asyncio|selectors)/"),
]


def frames(line: str) -> tuple[list[str], int]:
    stack, _, count = line.rstrip().rpartition(" ")
    return stack.split(";"), int(count)


def area(stack: list[str]) -> str:
    if stack[-1].startswith("Store._run_batch"):
        return AREAS[0][0]
    for frame in reversed(stack):
        for name, pattern in AREAS:
            if re.search(pattern, frame):
                return name
    return "other"


def summarise(path: Path, top: int = 25) -> None:
    threads: Counter[str] = Counter()
    areas: Counter[str] = Counter()
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        stack, count = frames(line)
        if any("_find_and_load" in frame for frame in stack) or IDLE.match(stack[-1]):
            continue  # start-up imports, waiting
        total += count
        writer = any("Store._worker" in frame for frame in stack)
        threads["SQLite writer thread" if writer else "event loop thread"] += count
        areas[area(stack)] += count
        own[stack[-1]] += count
        for frame in set(stack):
            inclusive[frame] += count
    print(f"{path.name}: {total} samples (waiting threads left out)")
    for title, counter, limit in (
        ("thread", threads, top),
        ("area (innermost matching frame)", areas, top),
        ("own time", own, top),
        ("inclusive time", inclusive, top),
    ):
        print(f"\n  {title}:")
        for name, count in counter.most_common(limit):
            print(f"  {100 * count / total:5.1f}%  {name}")


if __name__ == "__main__":
    for argument in sys.argv[1:]:
        summarise(Path(argument))
