"""Measuring the understanding on sets of real-looking messages (`tests/understanding/`).

`questions.yaml` lists typed questions with the routes that would answer them;
`alarms.yaml` lists cries for help and everyday messages. Both say which part was
used for tuning and which was kept out of it (`holdout`), so the figures can be
read for each part.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.understanding import Understanding

NO_ANSWER = "none"  # an item no page answers: right when the bot does not answer with confidence


@dataclass(frozen=True, slots=True)
class QuestionItem:
    """A typed question and the targets that would answer it (best first)."""

    text: str
    expect: tuple[str, ...]
    part: str


@dataclass
class QuestionScore:
    """Accuracy over a set of questions, with every miss."""

    total: int = 0
    top1: int = 0
    top3: int = 0
    suggested: int = 0  # answered with "did you mean" instead of at once
    misses: list[tuple[QuestionItem, list[str], bool]] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    def rate(self, count: int) -> float:
        return count / self.total if self.total else 0.0


@dataclass
class AlarmScore:
    """Recall on cries for help and false alarms on everyday messages."""

    cries: int = 0
    caught: int = 0
    everyday: int = 0
    false_alarms: int = 0
    missed: list[str] = field(default_factory=list)
    raised: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.caught / self.cries if self.cries else 0.0

    @property
    def false_rate(self) -> float:
        return self.false_alarms / self.everyday if self.everyday else 0.0


def load_questions(path: Path) -> list[QuestionItem]:
    """The question set."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [
        QuestionItem(str(item["text"]), tuple(str(t) for t in item["expect"]), item["part"])
        for item in raw
    ]


def score_questions(understanding: Understanding, items: Iterable[QuestionItem]) -> QuestionScore:
    """Top-1 and top-3 accuracy, the "did you mean" rate and the time per question."""
    score = QuestionScore()
    for item in items:
        start = time.perf_counter()
        reading = understanding.read(item.text)
        score.seconds.append(time.perf_counter() - start)
        offered = [route.target for route in reading.suggestions]
        score.total += 1
        if item.expect == (NO_ANSWER,):
            first = not reading.confident and not offered
            three = not reading.confident
        else:
            first = reading.confident and bool(offered) and offered[0] in item.expect
            three = any(target in item.expect for target in offered)
        score.top1 += first
        score.top3 += three
        score.suggested += bool(offered) and not reading.confident
        if not first:
            score.misses.append((item, offered, reading.confident))
    return score


def score_alarms(understanding: Understanding, path: Path, part: str | None = None) -> AlarmScore:
    """Recall and false alarms on the alarm set (one part of it, or all)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    score = AlarmScore()
    for item in raw["cries"]:
        if part and item["part"] != part:
            continue
        score.cries += 1
        if understanding.alarm(str(item["text"])):
            score.caught += 1
        else:
            score.missed.append(str(item["text"]))
    for item in raw["everyday"]:
        if part and item["part"] != part:
            continue
        score.everyday += 1
        if understanding.alarm(str(item["text"])):
            score.false_alarms += 1
            score.raised.append(str(item["text"]))
    return score


def milliseconds(seconds: list[float]) -> tuple[float, float]:
    """Median and 99th percentile, in milliseconds."""
    if not seconds:
        return 0.0, 0.0
    ordered = sorted(seconds)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p99 * 1000


def question_report(understanding: Understanding, items: list[QuestionItem]) -> str:
    """Figures per part of the set (and in all), then every miss."""
    lines = [
        f"{'part':<8} {'n':>4} {'top-1':>6} {'top-3':>6} {'did-you-mean':>12} {'median ms':>9}"
        f" {'p99 ms':>7}"
    ]
    misses: list[str] = []
    for part in (*sorted({item.part for item in items}), "all"):
        chosen = [item for item in items if part in ("all", item.part)]
        score = score_questions(understanding, chosen)
        median, p99 = milliseconds(score.seconds)
        lines.append(
            f"{part:<8} {score.total:>4} {score.rate(score.top1):>6.1%} "
            f"{score.rate(score.top3):>6.1%} {score.rate(score.suggested):>12.1%} "
            f"{median:>9.2f} {p99:>7.2f}"
        )
        if part == "all":
            for item, offered, confident in score.misses:
                how = "answered" if confident else ("guessed" if offered else "no answer")
                misses.append(
                    f"  [{item.part}] {item.text!r}: expected {' / '.join(item.expect)}; "
                    f"{how}: {', '.join(offered) or '-'}"
                )
    return "\n".join([*lines, "", f"not right at once ({len(misses)}):", *misses])


def alarm_report(understanding: Understanding, path: Path) -> str:
    """Recall and false alarms per part of the alarm set, then every mistake."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    parts = sorted({item["part"] for item in raw["cries"] + raw["everyday"]})
    lines = [f"{'part':<8} {'cries':>5} {'recall':>7} {'everyday':>8} {'false alarms':>12}"]
    mistakes: list[str] = []
    for part in (*parts, None):
        score = score_alarms(understanding, path, part)
        lines.append(
            f"{part or 'all':<8} {score.cries:>5} {score.recall:>7.1%} {score.everyday:>8} "
            f"{score.false_rate:>12.1%}"
        )
        if part is None:
            mistakes += [f"  missed: {text!r}" for text in score.missed]
            mistakes += [f"  false alarm: {text!r}" for text in score.raised]
    return "\n".join([*lines, *mistakes])
