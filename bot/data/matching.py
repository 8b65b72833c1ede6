"""Finding agencies by what a user types: part of a name, a misspelling or a licence number.

Names are compared without case, accents, punctuation, spacing, text in brackets
and legal forms ("PT", "P.T.", "Perseroan Terbatas", "Tbk", "Persero"). Words
that most names of a registry share (like "Contoh" in the sample) say nothing
about which agency is meant and are ignored. An exact match means the same name
after this clean-up, or the same licence number; anything else is only similar.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.engine.text import normalize

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_LEGAL_FORMS = re.compile(r"(?:^| )(?:perseroan terbatas|p t|pt|tbk|persero)(?= |$)")
_LONG_FORM = re.compile(r"\bperseroan\s+terbatas\b", re.IGNORECASE)
_LICENCE_WORDS = re.compile(
    r"(?:^| )(?:no|nomor|nomer|number|izin|ijin|license|licence|sip3mi|sip|siup)(?= |$)"
)
MIN_SCORE = 82
WORD_SCORE = 75  # every typed word must be at least this close to a word of the name
BEHIND_BEST = 12  # candidates this far below the best one are left out
NOISE_SHARE = 0.4  # a word in more than this share of names is noise...
NOISE_MIN_NAMES = 10  # ...when the registry has at least this many names


def name_key(name: str) -> str:
    """A name reduced to the words that identify it: 'P.T. Bina-Karya (Persero)' -> 'bina karya'."""
    text = normalize(_BRACKETS.sub(" ", name))
    return " ".join(_LEGAL_FORMS.sub(" ", text).split())


def licence_key(text: str) -> str:
    """A licence number as letters and digits only, without words like 'izin' or 'SIP3MI'."""
    return _LICENCE_WORDS.sub(" ", normalize(text)).replace(" ", "")


@dataclass(frozen=True, slots=True)
class Hit:
    """One candidate: its position in the registry, a score out of 100, and whether it is exact."""

    index: int
    score: float
    exact: bool


class NameIndex:
    """Names and licence numbers prepared once, searched per query."""

    def __init__(self, names: Sequence[str], licences: Sequence[str]) -> None:
        keys = [name_key(name) for name in names]
        counts = Counter(word for key in keys for word in set(key.split()))
        self.noise = (
            {word for word, count in counts.items() if count > NOISE_SHARE * len(keys)}
            if len(keys) >= NOISE_MIN_NAMES
            else set()
        )
        self.keys = keys
        self.names = list(names)
        self.words = [self._strip_noise(key) or key for key in keys]
        self.licences = [licence_key(licence) for licence in licences]

    def short_name(self, index: int) -> str:
        """The name as written, without legal form, brackets and noise words: for buttons."""
        kept = [
            word
            for word in _LONG_FORM.sub(" ", _BRACKETS.sub(" ", self.names[index])).split()
            if (key := name_key(word)) and key not in self.noise
        ]
        return " ".join(kept) or self.names[index]

    def _strip_noise(self, key: str) -> str:
        return " ".join(word for word in key.split() if word not in self.noise)

    def search(self, query: str, limit: int = 5) -> list[Hit]:
        """The best candidates for `query`, exact ones first, at most `limit`."""
        hits = self._by_licence(query) or self._by_name(query)
        hits.sort(key=lambda hit: (not hit.exact, -hit.score, len(self.keys[hit.index])))
        best = hits[0].score if hits else 0
        return [hit for hit in hits if hit.exact or hit.score >= best - BEHIND_BEST][:limit]

    def _by_licence(self, query: str) -> list[Hit]:
        wanted = licence_key(query)
        if sum(char.isdigit() for char in wanted) < 3:
            return []
        exact = [Hit(i, 100, True) for i, key in enumerate(self.licences) if key == wanted]
        if exact:
            return exact
        return [Hit(i, 90, False) for i, key in enumerate(self.licences) if wanted in key]

    def _by_name(self, query: str) -> list[Hit]:
        key = name_key(query)
        if len(key.replace(" ", "")) < 3:
            return []
        words = self._strip_noise(key) or key
        compact = words.replace(" ", "")
        hits = []
        for index, (full, name) in enumerate(zip(self.keys, self.words, strict=True)):
            if key == full or words == name or compact == name.replace(" ", ""):
                hits.append(Hit(index, 100, True))
                continue
            score = _similarity(words, compact, name)
            if score >= MIN_SCORE:
                hits.append(Hit(index, score, False))
        return hits


def _similarity(words: str, compact: str, name: str) -> float:
    """How well the query (as words and without spaces) fits a name, out of 100."""
    name_compact = name.replace(" ", "")
    return max(
        fuzz.ratio(compact, name_compact),
        fuzz.token_sort_ratio(words, name),
        fuzz.token_set_ratio(words, name) - 2,  # part of a name: good, but below a full one
        _misspelt_part(words.split(), name.split()),
    )


def _misspelt_part(query: list[str], name: list[str]) -> float:
    """Each typed word is a (possibly misspelt) word of the name: 'zamrud katulistiwa'."""
    if len(query) > len(name):
        return 0
    scores = [max(fuzz.ratio(word, other) for other in name) for word in query]
    return sum(scores) / len(scores) - 3 if min(scores) >= WORD_SCORE else 0
