"""The questions the bot could not answer, grouped and counted for content authors.

Read by `python -m bot unanswered` and the officers' `/stats`. Questions that mean the
same after normalisation ("brp biaya ke arab", "berapa biaya ke Arab?") fall in one
group, so the list shows what to write next.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from bot.engine.text import normalize
from bot.understanding.words import Normaliser


class AskedQuestion(Protocol):
    """A logged question as the store gives it back (no user in it); read only, so a frozen
    dataclass such as `bot.records.UnansweredQuestion` is one."""

    @property
    def text(self) -> str: ...

    @property
    def lang(self) -> str: ...

    @property
    def offered(self) -> tuple[str, ...]: ...

    @property
    def chosen(self) -> str: ...

    @property
    def asked_at(self) -> str: ...


@dataclass
class QuestionGroup:
    """Questions that mean the same: how often, an example, what was offered and chosen, and
    the normaliser's terms they share (in the most recent wording's order)."""

    example: str
    count: int = 0
    languages: Counter[str] = field(default_factory=Counter)
    offered: Counter[str] = field(default_factory=Counter)
    chosen: Counter[str] = field(default_factory=Counter)
    last: str = ""
    terms: tuple[str, ...] = ()


def group_questions(
    questions: Iterable[AskedQuestion], normaliser: Normaliser
) -> list[QuestionGroup]:
    """Groups, most asked first (then most recent)."""
    groups: dict[str, QuestionGroup] = {}
    for question in questions:
        terms = tuple(dict.fromkeys(normaliser.terms(question.text)))
        key = " ".join(sorted(terms)) or normalize(question.text)
        group = groups.setdefault(key, QuestionGroup(example=question.text))
        group.count += 1
        group.example = question.text  # the most recent wording
        group.terms = terms
        group.last = max(group.last, question.asked_at)
        group.languages[question.lang] += 1
        group.offered.update(question.offered)
        group.chosen[question.chosen or "(nothing yet)"] += 1
    return sorted(groups.values(), key=lambda g: (g.count, g.last), reverse=True)


def top_lines(groups: list[QuestionGroup], limit: int = 10) -> list[str]:
    """One short line per group, for a chat message."""
    return [f"{group.count}× {group.example[:80]}" for group in groups[:limit]]


def table(groups: list[QuestionGroup], limit: int) -> str:
    """The groups as plain text for the terminal."""
    lines = [f"{'count':>5}  {'last asked':<10}  question  [offered -> chosen]"]
    for group in groups[:limit]:
        offered = ", ".join(target for target, _ in group.offered.most_common(3)) or "-"
        chosen = ", ".join(f"{name} {n}" for name, n in group.chosen.most_common(3))
        lines.append(
            f"{group.count:>5}  {group.last[:10]:<10}  {group.example[:70]}"
            f"  [{offered} -> {chosen}]"
        )
    if len(lines) == 1:
        lines.append("    (none)")
    return "\n".join(lines)
