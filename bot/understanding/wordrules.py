"""Word rules: groups of words that must stand close together in a message.

Shared by the alarm (`alarm.py`) and the reading of job adverts (`adverts.py`). A rule is a
list of word groups; it matches when one alternative of every group stands in the message,
in any order (or the order written), at most `within` words apart. Words are compared
whole, after slang, as typed or by their root, never as substrings:

- a plain word matches the word as typed or its root ("sekap": "disekap", "sekap");
- "~word" matches only an affixed word with that root ("~pukul": "dipukul", not "pukul 8");
- "=word" matches the word only as typed;
- "two words" must stand next to each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

from pydantic import BaseModel, ConfigDict, Field

from bot.understanding.words import Normaliser

DEFAULT_WITHIN = 6
MAX_CHARS = 2_000  # a longer message is judged on its first 2,000 characters...
MAX_WORDS = 200  # ...and 200 words
MAX_PLACES = 20  # places of one word group considered, so the pairing stays small


class WordRule(BaseModel):
    """Word groups that must all occur close together."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    words: list[list[str]] = Field(min_length=1)
    within: int = Field(default=DEFAULT_WITHIN, ge=1, le=30)
    ordered: bool = False  # the groups must come in the order written ("tidak" ... "dibayar")


@dataclass(frozen=True, slots=True)
class Term:
    """One word of a pattern, compared with the typed word or its root."""

    word: str
    affixed_only: bool = False
    as_typed: bool = False

    def matches(self, word: str, stem: str) -> bool:
        if self.affixed_only:
            return stem == self.word and word != stem
        if self.as_typed:
            return word == self.word
        return word == self.word or stem == self.word


Pattern = tuple[Term, ...]  # consecutive words


@dataclass(frozen=True, slots=True)
class Words:
    """A message as the rules read it: its words after slang, and their roots."""

    words: tuple[str, ...]
    stems: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.words)


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A word rule ready to match."""

    groups: tuple[tuple[Pattern, ...], ...]
    within: int
    ordered: bool

    def matches(self, message: Words) -> bool:
        """Whether every group occurs, all within `within` words of each other (and in the
        groups' order when `ordered`)."""
        places: list[list[int]] = []
        for group in self.groups:
            found = positions(group, message)
            if not found:
                return False
            places.append(found)
        if len(places) == 1:
            return True
        return any(
            max(combo) - min(combo) <= self.within
            and (not self.ordered or list(combo) == sorted(combo))
            for combo in product(*places)
        )


class RuleReader:
    """Compiles word rules against one content version's normaliser and reads messages."""

    def __init__(self, normaliser: Normaliser) -> None:
        self.normaliser = normaliser

    def read(self, text: str) -> Words:
        """The words and roots of a message (its first MAX_CHARS characters, MAX_WORDS
        words)."""
        normaliser = self.normaliser
        words = normaliser.words(text[:MAX_CHARS])[:MAX_WORDS]
        stems = tuple(normaliser.correct(normaliser.stem(word)) for word in words)
        return Words(words, stems)

    def patterns(self, alternatives: list[str]) -> tuple[Pattern, ...]:
        """The alternatives of one group as patterns of terms."""
        found = []
        for alternative in alternatives:
            terms = [
                Term(word, token.startswith("~"), token.startswith("="))
                for token in alternative.split()
                for word in self.normaliser.words(token.lstrip("~="))
            ]
            if terms:
                found.append(tuple(terms))
        return tuple(found)

    def compile(self, rule: WordRule) -> CompiledRule:
        """A rule ready to match."""
        return CompiledRule(
            tuple(self.patterns(group) for group in rule.words), rule.within, rule.ordered
        )

    def learn(self, rules: list[CompiledRule]) -> None:
        """Make the rules' words known to the typo corrector (so that "disekapp" is read as
        "disekap"); after compiling all of them, so no rule's words correct another's."""
        self.normaliser.know(
            term.word
            for rule in rules
            for group in rule.groups
            for pattern in group
            for term in pattern
        )

    def flat(self, alternatives: list[str]) -> frozenset[str]:
        """Single words, after slang."""
        return frozenset(
            word for alternative in alternatives for word in self.normaliser.words(alternative)
        )


def positions(patterns: tuple[Pattern, ...], message: Words) -> list[int]:
    """Where any of the patterns starts in the message."""
    words, stems = message.words, message.stems
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
