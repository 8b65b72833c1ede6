"""Recognising a cry for help: rules on words, not substrings.

The rules are content (`content/understanding/alarms.yaml`). A rule is a list of word
groups; it matches when one word of every group stands in the message, in any order,
close together. Comparing whole words (as typed, or their roots) means "p" or "ya"
can never match, and key words may have other words between them.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from bot.understanding.words import Normaliser

DEFAULT_WITHIN = 6
MAX_CHARS = 2_000  # a longer message is judged on its first 2,000 characters...
MAX_WORDS = 200  # ...and 200 words
MAX_PLACES = 20  # places of one word group considered, so the pairing stays small


class AlarmRule(BaseModel):
    """One situation that means danger, with why it is there."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    why: str = Field(min_length=1)
    words: list[list[str]] = Field(min_length=1)
    within: int = Field(default=DEFAULT_WITHIN, ge=1, le=30)
    ordered: bool = False  # the groups must come in the order written ("tidak" ... "dibayar")


class AlarmRules(BaseModel):
    """`content/understanding/alarms.yaml`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    person: list[str] = Field(default_factory=list)  # a YAML anchor the rules reuse
    rules: list[AlarmRule] = Field(default_factory=list)
    alone: list[str] = Field(default_factory=list)
    alone_needs: list[str] = Field(default_factory=list)
    question_markers: list[str] = Field(default_factory=list)
    question_unless: list[str] = Field(default_factory=list)
    abroad_words: list[str] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Term:
    """One word of a pattern: compared with the typed word or its root; "~" in the rules asks
    for an affixed word with that root, "=" for the word exactly as typed."""

    word: str
    affixed_only: bool = False
    as_typed: bool = False

    def matches(self, word: str, stem: str) -> bool:
        if self.affixed_only:
            return stem == self.word and word != stem
        if self.as_typed:
            return word == self.word
        return word == self.word or stem == self.word


Pattern = tuple[_Term, ...]  # consecutive words


@dataclass(frozen=True, slots=True)
class Alarm:
    """A message that sounds like danger: the rule that matched, and whether the writer
    seems to be abroad."""

    why: str
    abroad: bool


class AlarmDetector:
    """Compiled alarm rules for one content version."""

    def __init__(self, rules: AlarmRules, normaliser: Normaliser) -> None:
        self._normaliser = normaliser
        self._rules = [
            (rule.why, [self._patterns(group) for group in rule.words], rule.within, rule.ordered)
            for rule in rules.rules
        ]
        self._alone = frozenset(self._flat(rules.alone))
        self._alone_needs = frozenset(self._flat(rules.alone_needs))
        self._question = self._patterns(rules.question_markers)
        self._unless = self._patterns(rules.question_unless)
        self._abroad = frozenset(self._flat(rules.abroad_words))
        normaliser.know(  # so that "disekapp" is read as "disekap"
            term.word
            for _, groups, _, _ in self._rules
            for group in groups
            for pattern in group
            for term in pattern
        )

    def _patterns(self, alternatives: list[str]) -> list[Pattern]:
        patterns = []
        for alternative in alternatives:
            terms = [
                _Term(word, token.startswith("~"), token.startswith("="))
                for token in alternative.split()
                for word in self._normaliser.words(token.lstrip("~="))
            ]
            if terms:
                patterns.append(tuple(terms))
        return patterns

    def _flat(self, alternatives: list[str]) -> list[str]:
        return [
            word for alternative in alternatives for word in self._normaliser.words(alternative)
        ]

    def check(self, text: str) -> Alarm | None:
        """The alarm a message raises, or None for everyday messages."""
        words = self._normaliser.words(text[:MAX_CHARS])[:MAX_WORDS]
        if not words:
            return None
        normaliser = self._normaliser
        stems = tuple(normaliser.correct(normaliser.stem(word)) for word in words)
        abroad = any(
            word in self._abroad or stem in self._abroad
            for word, stem in zip(words, stems, strict=True)
        )
        present = set(words)
        if present <= self._alone and present & self._alone_needs:
            return Alarm("a call for help and nothing else", abroad)
        asking = _positions(self._question, words, stems) and not _positions(
            self._unless, words, stems
        )
        if asking:
            return None
        for why, groups, within, ordered in self._rules:
            if _within(groups, words, stems, within, ordered):
                return Alarm(why, abroad)
        return None


def _positions(
    patterns: list[Pattern], words: tuple[str, ...], stems: tuple[str, ...]
) -> list[int]:
    """Where any of the patterns starts in the message."""
    found = []
    for start in range(len(words)):
        for pattern in patterns:
            end = start + len(pattern)
            if end <= len(words) and all(
                term.matches(words[start + i], stems[start + i]) for i, term in enumerate(pattern)
            ):
                found.append(start)
                break
        if len(found) >= MAX_PLACES:
            break
    return found


def _within(
    groups: list[list[Pattern]],
    words: tuple[str, ...],
    stems: tuple[str, ...],
    within: int,
    ordered: bool = False,
) -> bool:
    """Whether every group occurs, all within `within` words of each other (and in the
    groups' order when `ordered`)."""
    places: list[Any] = []
    for group in groups:
        found = _positions(group, words, stems)
        if not found:
            return False
        places.append(found)
    if len(places) == 1:
        return True
    return any(
        max(combo) - min(combo) <= within and (not ordered or list(combo) == sorted(combo))
        for combo in product(*places)
    )
