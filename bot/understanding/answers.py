"""Everyday answers: "iya", "gak", "gk tau", "lanjut" wherever the bot offers a choice.

The word lists are content (`yes_words`, `no_words`, `unsure_words`, `next_words` and
`filler_words`, `thanks_words`, `opener_words` in `content/system.yaml`); slang is read first,
so "gak" is "tidak".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from bot.understanding.words import Normaliser

Everyday = Literal["yes", "no", "unsure", "next"]
THANKS_CHARS = 60


class EverydayAnswers:
    """Classifies a whole message as yes, no, don't know or "go on"."""

    def __init__(
        self,
        normaliser: Normaliser,
        yes: Iterable[str],
        no: Iterable[str],
        unsure: Iterable[str],
        more: Iterable[str],
        fillers: Iterable[str],
        thanks: Iterable[str] = (),
        openers: Iterable[str] = (),
    ) -> None:
        self._normaliser = normaliser
        thanks = list(thanks)
        self.thanks = frozenset(w for phrase in thanks for w in normaliser.words(phrase))
        self._thanks_as_typed = frozenset(phrase.strip() for phrase in thanks)
        self._fillers = {w for phrase in fillers for w in normaliser.words(phrase)}
        self._openers = self._phrases(openers)
        self._classes: list[tuple[Everyday, set[tuple[str, ...]]]] = [
            ("unsure", self._phrases(unsure)),  # first: "tidak tahu" is not "tidak"
            ("yes", self._phrases(yes)),
            ("no", self._phrases(no)),
            ("next", self._phrases(more)),
        ]

    def _phrases(self, words: Iterable[str]) -> set[tuple[str, ...]]:
        return {self._core(self._normaliser.words(w)) for w in words} - {()}

    def _core(self, words: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(word for word in words if word not in self._fillers) or words

    def classify(self, text: str) -> list[Everyday]:
        """Every class the message belongs to ("ok" is both yes and next), best first."""
        core = self._core(self._normaliser.words(text))
        if not core or len(core) > 4:
            return []
        found = [name for name, phrases in self._classes if core in phrases]
        if not found and len(core) > 1:  # "iya setuju", "ok lanjut": words of one class
            found = [
                name for name, phrases in self._classes if all((word,) in phrases for word in core)
            ]
        return found

    def is_thanks(self, text: str) -> bool:
        """A message of thanks only ("makasih kak", "👍")."""
        if len(text) > THANKS_CHARS:
            return False
        words = self._normaliser.words(text)
        if not words:
            return text.strip() in self._thanks_as_typed
        return set(words) <= self.thanks

    def is_opener(self, text: str) -> bool:
        """A message that only announces a question ("min mau tanya", "permisi, boleh nanya")."""
        if len(text) > THANKS_CHARS:
            return False
        return self._core(self._normaliser.words(text)) in self._openers

    def starts(self, label_words: tuple[str, ...], kind: Everyday) -> bool:
        """Whether a button label begins with a word of `kind` ("Ya, sekarang" is yes)."""
        phrases = dict(self._classes)[kind]
        return any(label_words[: len(phrase)] == phrase for phrase in phrases)
