"""The scoring rules of "check a job offer" (`content/data/offer_rules.yaml`).

Each rule names a condition on the user's answers, the destination country (by
country group) and what the agency registry says about the recruiter; a rule
that applies adds its level and its one-line reason, with sources. The verdict
is the highest level hit: `danger`, else `caution`, else `ok` (`info` rules only
add a line). Countries under a moratorium or known for scam compounds are data
here, not code, so they can be corrected without a release.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from bot.data.agencies import Status
from bot.data.vocabulary import Vocabulary
from bot.engine.spec import I18n
from bot.yamlsource import Problem, line_of, load_model

Level = Literal["info", "caution", "danger"]
VerdictLevel = Literal["ok", "caution", "danger"]
Finding = Status | Literal["similar", "not_found", "none"]
"""What the registry says about the named recruiter (`none`: no name was given)."""
OTHER_COUNTRY = "other"  # a destination not in the list
UNKNOWN_COUNTRY = "unknown"  # the user does not know the destination yet
RANK = {"ok": 0, "info": 0, "caution": 1, "danger": 2}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Condition(_Strict):
    """When a rule applies; every condition given must hold."""

    answer: str | None = None
    is_: list[str] = Field(default_factory=list, alias="is")
    country_in: str | None = None
    recruiter: list[Finding] = Field(default_factory=list)

    @model_validator(mode="after")
    def _complete(self) -> Condition:
        if (self.answer is None) != (not self.is_):
            raise ValueError("'answer' and 'is' go together")
        if self.answer is None and self.country_in is None and not self.recruiter:
            raise ValueError("needs 'answer' with 'is', 'country_in' or 'recruiter'")
        return self


class Rule(_Strict):
    """One red flag (or note) and why it matters."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    when: Condition
    level: Level
    why: I18n
    short: I18n = Field(default_factory=dict)  # one line, for answers that fit one screen
    sources: list[str] = Field(min_length=1)

    def line(self, lang: str) -> I18n:
        """The short line in `lang` if there is one, else the reason's first sentence."""
        short = self.short.get(lang) or self.short.get("id")
        if short:
            return {lang: short}
        why = self.why.get(lang) or self.why.get("id", "")
        return {lang: why.split(". ")[0].rstrip(".") + "."}


class LevelText(_Strict):
    """How a verdict level is announced, and what to do next."""

    title: I18n
    advice: I18n


class OfferRules(_Strict):
    """The whole rules file."""

    reviewed: date
    countries: list[str] = Field(min_length=1)  # the destination question, in this order
    country_groups: dict[str, list[str]]
    levels: dict[VerdictLevel, LevelText]
    show_at_most: int = Field(default=3, ge=1)  # reasons on the verdict's screen, worst first
    more: I18n = Field(default_factory=dict)  # "...and {count} more": the reasons that did not fit
    rules: list[Rule] = Field(min_length=1)
    _lines: dict[str, int] = PrivateAttr(default_factory=dict)

    def evaluate(self, answers: dict[str, Any], country: str, finding: Finding) -> Verdict:
        """The rules that apply to these answers, and the resulting level."""
        hits = [rule for rule in self.rules if self._applies(rule.when, answers, country, finding)]
        levels = (rule.level for rule in hits)
        worst: Level | VerdictLevel = max(levels, key=RANK.__getitem__, default="ok")
        level: VerdictLevel = "ok" if worst == "info" else worst
        return Verdict(level, hits)

    def _applies(
        self, when: Condition, answers: dict[str, Any], country: str, finding: Finding
    ) -> bool:
        if when.answer is not None and answers.get(when.answer) not in when.is_:
            return False
        if when.country_in is not None and country not in self.country_groups[when.country_in]:
            return False
        return not when.recruiter or finding in when.recruiter

    def answer_problems(self, display: str, saved: dict[str, set[str]]) -> list[Problem]:
        """Rules that test an answer no question saves, or a value it cannot have.

        `saved` maps each answer key a question saves to its choice values (empty
        for free answers).
        """
        problems = []
        for rule in self.rules:
            key, line = rule.when.answer, self._lines.get(rule.id, 1)
            if key is None:
                continue
            if key not in saved:
                problems.append(
                    Problem(display, line, f"rule '{rule.id}': no question saves '{key}'")
                )
            elif saved[key] and not set(rule.when.is_) <= saved[key]:
                wrong = ", ".join(sorted(set(rule.when.is_) - saved[key]))
                problems.append(
                    Problem(
                        display,
                        line,
                        f"rule '{rule.id}': '{key}' is never {wrong} "
                        f"(its choices: {', '.join(sorted(saved[key]))})",
                    )
                )
        return problems


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of the offer check: a level and every rule that applied, in file order."""

    level: VerdictLevel
    hits: list[Rule]


def load_offer_rules(
    path: Path, display: str, vocabulary: Vocabulary, languages: list[str]
) -> tuple[OfferRules | None, list[Problem]]:
    """Read and check the rules file against the vocabulary; None when it has errors."""
    rules, document, problems = load_model(path, display, OfferRules)
    if rules is None:
        return None, problems
    rules._lines.update(
        {rule.id: line_of(document, ("rules", i)) for i, rule in enumerate(rules.rules)}
    )
    problems = _check(rules, document, display, vocabulary, languages)
    return (None if problems else rules), problems


def _check(
    rules: OfferRules, document: Any, display: str, vocabulary: Vocabulary, languages: list[str]
) -> list[Problem]:
    found: list[tuple[tuple[Any, ...], str]] = []
    known = set(vocabulary.countries)
    found += [
        (("countries", i), f"countries: '{code}' is not in vocabulary.yaml")
        for i, code in enumerate(rules.countries)
        if code not in known
    ]
    for group, members in rules.country_groups.items():
        found += [
            (("country_groups", group), f"country_groups.{group}: unknown country '{code}'")
            for code in members
            if code not in known | {OTHER_COUNTRY, UNKNOWN_COUNTRY}
        ]
    missing_levels = {"ok", "caution", "danger"} - set(rules.levels)
    if missing_levels:
        found.append((("levels",), f"levels: missing {', '.join(sorted(missing_levels))}"))
    seen: set[str] = set()
    for i, rule in enumerate(rules.rules):
        if rule.id in seen:
            found.append((("rules", i), f"duplicate rule id '{rule.id}'"))
        seen.add(rule.id)
        wanted = rule.when.country_in
        if wanted is not None and wanted not in rules.country_groups:
            found.append((("rules", i), f"rule '{rule.id}': unknown country group '{wanted}'"))
    texts: list[tuple[tuple[Any, ...], I18n]] = [
        (("rules", i, "why"), rule.why) for i, rule in enumerate(rules.rules)
    ]
    texts += [
        (("levels", name, part), getattr(text, part))
        for name, text in rules.levels.items()
        for part in ("title", "advice")
    ]
    for where, text in texts:
        found += [
            (where, f"{'.'.join(map(str, where))}: missing translation '{lang}'")
            for lang in languages
            if not (text.get(lang) or "").strip()
        ]
    return [Problem(display, line_of(document, where), message) for where, message in found]
