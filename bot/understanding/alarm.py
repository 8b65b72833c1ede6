"""Recognising a cry for help: rules on words, not substrings.

The rules are content (`content/understanding/alarms.yaml`), word rules (see
`wordrules.py`): one word of every group stands in the message, close together. Comparing
whole words (as typed, or their roots) means "p" or "ya" can never match, and key words may
have other words between them.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from bot.understanding.wordrules import RuleReader, WordRule, positions
from bot.understanding.words import Normaliser


class AlarmRule(WordRule):
    """One situation that means danger, with why it is there."""

    why: str = Field(min_length=1)


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
class Alarm:
    """A message that sounds like danger: the rule that matched, and whether the writer
    seems to be abroad."""

    why: str
    abroad: bool


class AlarmDetector:
    """Compiled alarm rules for one content version."""

    def __init__(self, rules: AlarmRules, normaliser: Normaliser) -> None:
        reader = self._reader = RuleReader(normaliser)
        self._rules = [(rule.why, reader.compile(rule)) for rule in rules.rules]
        self._alone = reader.flat(rules.alone)
        self._alone_needs = reader.flat(rules.alone_needs)
        self._question = reader.patterns(rules.question_markers)
        self._unless = reader.patterns(rules.question_unless)
        self._abroad = reader.flat(rules.abroad_words)
        reader.learn([rule for _, rule in self._rules])

    def check(self, text: str) -> Alarm | None:
        """The alarm a message raises, or None for everyday messages."""
        message = self._reader.read(text)
        if not message:
            return None
        abroad = any(
            word in self._abroad or stem in self._abroad
            for word, stem in zip(message.words, message.stems, strict=True)
        )
        present = set(message.words)
        if present <= self._alone and present & self._alone_needs:
            return Alarm("a call for help and nothing else", abroad)
        if positions(self._question, message) and not positions(self._unless, message):
            return None
        for why, rule in self._rules:
            if rule.matches(message):
                return Alarm(why, abroad)
        return None
