"""Measuring the advert check on a labelled set (`tests/understanding/adverts.yaml`).

Each item is a message with its kind (a scam advert, an official notice, or not an advert at
all), the level it should get and the red flags a careful officer reads from it; items are
marked `tune` (used while writing the rules) or `holdout` (never looked at then). The report
gives, per part: how many adverts were recognised and how many other messages were left
alone, scam adverts flagged, official notices never rated danger, the level confusion, and
per-flag precision and recall. `python -m bot eval-adverts` prints it; `make test` holds
floors on it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.actions.adverts import assess
from bot.content import Content

LEVELS = ("danger", "caution", "ok")
KINDS = ("scam", "official", "not_advert")
NOT_SCORED = frozenset({"young_age"})  # no sourced rule reads it (content/UNVERIFIED.md)
NOT_RECOGNISED = "-"


@dataclass(frozen=True, slots=True)
class AdvertItem:
    """A labelled message."""

    text: str
    kind: str
    level: str
    flags: frozenset[str]
    part: str


@dataclass
class AdvertScore:
    """The figures of one part of the set."""

    total: Counter[str] = field(default_factory=Counter)  # by kind
    recognised: Counter[str] = field(default_factory=Counter)  # by kind
    flagged: int = 0  # scam adverts recognised with at least one red flag
    official_danger: int = 0  # official notices rated danger (must stay 0)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)  # (expected, got)
    hits: Counter[str] = field(default_factory=Counter)  # per flag: found and expected
    found: Counter[str] = field(default_factory=Counter)  # per flag: found
    expected: Counter[str] = field(default_factory=Counter)  # per flag: expected
    misses: list[str] = field(default_factory=list)

    def rate(self, count: int, total: int) -> float:
        return count / total if total else 1.0

    @property
    def scam_flagged(self) -> float:
        """Scam adverts recognised and flagged, of all scam adverts."""
        return self.rate(self.flagged, self.total["scam"])

    @property
    def left_alone(self) -> float:
        """Messages that are not adverts and were not taken for one."""
        total = self.total["not_advert"]
        return self.rate(total - self.recognised["not_advert"], total)


def load_adverts(path: Path) -> list[AdvertItem]:
    """The labelled messages of the set."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        AdvertItem(
            text=str(item["text"]),
            kind=str(item["kind"]),
            level=str(item.get("level") or "ok"),
            flags=frozenset(item.get("flags") or ()),
            part=str(item.get("part") or "tune"),
        )
        for item in document["adverts"]
    ]


def score_adverts(content: Content, items: list[AdvertItem]) -> dict[str, AdvertScore]:
    """The figures per part, and for the whole set ("all")."""
    understanding, data = content.flows.understanding, content.data
    reader = understanding.adverts
    assert reader is not None, "the content has no advert rules"
    scores: dict[str, AdvertScore] = {}
    for item in items:
        for part in (item.part, "all"):
            score = scores.setdefault(part, AdvertScore())
            score.total[item.kind] += 1
        recognised = understanding.advert(item.text) is not None
        got_level, got_flags = NOT_RECOGNISED, frozenset[str]()
        if recognised:
            assessment = assess(data, reader, item.text, "id")
            got_level, got_flags = assessment.level, frozenset(assessment.red_flags)
        for part in (item.part, "all"):
            _count(scores[part], item, recognised, got_level, got_flags)
    return scores


def _count(
    score: AdvertScore, item: AdvertItem, recognised: bool, level: str, flags: frozenset[str]
) -> None:
    score.recognised[item.kind] += recognised
    if item.kind == "not_advert":
        if recognised:
            score.misses.append(f"taken for an advert: {_short(item.text)}")
        return
    score.confusion[(item.level, level)] += 1
    if item.kind == "scam" and recognised and flags:
        score.flagged += 1
    if item.kind == "official" and level == "danger":
        score.official_danger += 1
        score.misses.append(f"official notice rated danger: {_short(item.text)}")
    if not recognised:
        score.misses.append(f"{item.kind} not recognised: {_short(item.text)}")
        return
    expected = item.flags - NOT_SCORED
    for flag in expected | flags:
        score.expected[flag] += flag in expected
        score.found[flag] += flag in flags
        score.hits[flag] += flag in expected and flag in flags


def advert_report(content: Content, items: list[AdvertItem]) -> str:
    """The figures as a Markdown report."""
    scores = score_adverts(content, items)
    lines = ["## Forwarded adverts", ""]
    lines.append(
        "| part | adverts recognised | others left alone | scam flagged | official rated danger |"
    )
    lines.append("|---|---|---|---|---|")
    for part, score in sorted(scores.items(), key=lambda kv: (kv[0] == "all", kv[0])):
        adverts = score.total["scam"] + score.total["official"]
        recognised = score.recognised["scam"] + score.recognised["official"]
        lines.append(
            f"| {part} | {recognised}/{adverts} | "
            f"{score.total['not_advert'] - score.recognised['not_advert']}/"
            f"{score.total['not_advert']} | {score.flagged}/{score.total['scam']} "
            f"({score.scam_flagged:.0%}) | {score.official_danger}/{score.total['official']} |"
        )
    whole = scores["all"]
    lines += ["", "Level (rows: expected, columns: given; `-`: not recognised as an advert)", ""]
    given = [*LEVELS, NOT_RECOGNISED]
    lines.append("| expected | " + " | ".join(given) + " |")
    lines.append("|---" * (len(given) + 1) + "|")
    for expected in LEVELS:
        counts = [str(whole.confusion[(expected, got)]) for got in given]
        lines.append(f"| {expected} | " + " | ".join(counts) + " |")
    lines += ["", "| flag | precision | recall | expected |", "|---|---|---|---|"]
    for flag in sorted(whole.expected | whole.found):
        precision = whole.rate(whole.hits[flag], whole.found[flag])
        recall = whole.rate(whole.hits[flag], whole.expected[flag])
        lines.append(f"| {flag} | {precision:.0%} | {recall:.0%} | {whole.expected[flag]} |")
    if NOT_SCORED:
        lines.append(f"\nNot scored (no sourced rule reads it): {', '.join(sorted(NOT_SCORED))}")
    if whole.misses:
        lines += ["", "Misses:"] + [f"- {miss}" for miss in whole.misses]
    return "\n".join(lines)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 90 else text[:89] + "…"
