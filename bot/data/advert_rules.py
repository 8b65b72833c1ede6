"""The rules for reading a forwarded job advert (`content/data/advert_rules.yaml`).

Beside the offer check's scoring rules (`offer_rules.yaml`), and scored by them: a flag read
from an advert either answers one of the offer check's questions "yes" (its rule there gives
the level and the reason), or stands on its own with a level, a short reason and sources.
Which words show a flag are word rules (as in the alarm rules), so they are content that
can be corrected without a release.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from bot.data.offer_rules import Level, OfferRules
from bot.engine.spec import I18n
from bot.understanding.wordrules import WordRule
from bot.yamlsource import Problem, line_of, load_model


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Recognise(_Strict):
    """When a message reads like a job advert rather than a question or a story."""

    min_chars: int = Field(default=60, ge=20)  # shorter messages are questions
    min_signals: int = Field(default=3, ge=1)  # kinds of advert words ("recruiting" or "job")
    forwarded_min_signals: int = Field(default=2, ge=1)  # a forwarded message needs fewer
    recruiting: list[str] = Field(min_length=1)  # "dibutuhkan", "lowongan": needed
    signals: dict[str, list[str]]  # other kinds of words adverts have: pay, contact, terms...
    own_story: list[WordRule] = Field(default_factory=list)  # someone telling their own case


class Flag(_Strict):
    """One red flag an advert can show, and the words that show it."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    rules: list[WordRule] = Field(default_factory=list)  # any one of them shows the flag
    unless: list[WordRule] = Field(default_factory=list)  # ...unless one of these says the opposite
    offer_answer: str | None = None  # the offer check's answer it sets to "yes"...
    level: Level | None = None  # ...or its own level (then `why` and `sources` too)
    why: I18n = Field(default_factory=dict)
    sources: list[str] = Field(default_factory=list)


class Salary(_Strict):
    """Pay far above the norm for work that needs no skill: a monthly amount in rupiah at
    or above `min_idr_month`, in an advert that also shows one of `only_with`."""

    words: list[str] = Field(min_length=1)  # "gaji", "salary": an amount near them is pay
    min_idr_month: int = Field(gt=0)
    rupiah_per: dict[str, float]  # currency word -> rupiah, rounded: "rm": 3500
    only_with: list[str] = Field(default_factory=list)


class Texts(_Strict):
    """The parts of the answer that are not a flag's reason."""

    show_at_most: int = Field(default=3, ge=1)  # red flags on the screen, the worst first
    found: I18n  # the heading of the flags
    more: I18n  # "...and {count} more": the flags that did not fit
    none_found: I18n  # no red flag read: never "safe"
    unread: dict[str, I18n]  # what the advert did not say: company, job_order, country
    advice: dict[str, I18n]  # per level: danger, caution, ok


class AdvertRules(_Strict):
    """The whole file."""

    reviewed: date
    recognise: Recognise
    flags: list[Flag] = Field(min_length=1)
    salary: Salary
    job_order_words: list[str] = Field(default_factory=list)  # "job order", "JO no."
    unread_rules: dict[str, str] = Field(default_factory=dict)  # offer rule id -> unread part
    texts: Texts

    def flag(self, flag_id: str) -> Flag | None:
        """The flag with this id."""
        return next((flag for flag in self.flags if flag.id == flag_id), None)


def load_advert_rules(
    path: Path, display: str, offer_rules: OfferRules | None, languages: list[str]
) -> tuple[AdvertRules | None, list[Problem]]:
    """Read and check the file against the offer rules; None when it has errors."""
    rules, document, problems = load_model(path, display, AdvertRules)
    if rules is None:
        return None, problems
    found = _check(rules, offer_rules, languages)
    problems += [Problem(display, line_of(document, where), message) for where, message in found]
    return (None if found else rules), problems


def _check(
    rules: AdvertRules, offer_rules: OfferRules | None, languages: list[str]
) -> list[tuple[tuple[Any, ...], str]]:
    found: list[tuple[tuple[Any, ...], str]] = []
    offer_ids = {rule.id for rule in offer_rules.rules} if offer_rules else set()
    answers = {rule.when.answer for rule in offer_rules.rules} if offer_rules else set()
    seen: set[str] = set()
    for i, flag in enumerate(rules.flags):
        where = ("flags", i)
        if flag.id in seen:
            found.append((where, f"duplicate flag id '{flag.id}'"))
        seen.add(flag.id)
        if (flag.offer_answer is None) == (flag.level is None):
            found.append((where, f"flag '{flag.id}': give either 'offer_answer' or 'level'"))
        if flag.offer_answer is not None and flag.offer_answer not in answers:
            found.append((where, f"flag '{flag.id}': no offer rule reads '{flag.offer_answer}'"))
        if flag.level is not None and not flag.sources:
            found.append((where, f"flag '{flag.id}': a flag with its own level needs sources"))
        if flag.level is not None:
            found += _missing(("flags", i, "why"), flag.why, languages)
    for flag_id in rules.salary.only_with:
        if flag_id not in seen:
            found.append((("salary", "only_with"), f"salary.only_with: no flag '{flag_id}'"))
    for rule_id, part in rules.unread_rules.items():
        if rule_id not in offer_ids:
            found.append((("unread_rules", rule_id), f"unread_rules.{rule_id}: no such rule"))
        if part not in rules.texts.unread:
            found.append((("unread_rules", rule_id), f"unread_rules: no texts.unread.{part}"))
    texts = rules.texts
    found += _missing(("texts", "found"), texts.found, languages)
    found += _missing(("texts", "none_found"), texts.none_found, languages)
    found += _missing(("texts", "more"), texts.more, languages)
    for name, text in [*texts.unread.items(), *texts.advice.items()]:
        found += _missing(("texts", name), text, languages)
    missing_levels = {"danger", "caution", "ok"} - set(texts.advice)
    if missing_levels:
        found.append((("texts", "advice"), f"texts.advice: missing {sorted(missing_levels)}"))
    return found


def _missing(where: tuple[Any, ...], text: I18n, languages: list[str]) -> list[tuple[Any, str]]:
    return [
        (where, f"{'.'.join(map(str, where))}: missing translation '{lang}'")
        for lang in languages
        if not (text.get(lang) or "").strip()
    ]
