"""From what people type to the words the bot looks for: phrases, slang, stems and typos.

The rules are content (`content/understanding/words.yaml`); this module only applies
them. Stemming uses PySastrawi, the dictionary-based Indonesian stemmer: unlike an
affix-stripping algorithm it keeps "majikan" and "penipuan -> tipu" right, because it
only strips an affix when what remains is a known root word. Its own result cache grows
without bound (a flood of random words would fill memory), so this module wraps the bare
stemmer in a bounded cache instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz, process

# PySastrawi ships no type hints (no stubs, no py.typed): its classes are untyped here
# (`ignore_missing_imports` for `Sastrawi.*` in pyproject.toml's [tool.mypy])
from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
from Sastrawi.Stemmer.Stemmer import Stemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

from bot.engine.text import normalize

_REPEATS = re.compile(r"([a-z])\1{2,}")  # "tolonggg" -> "tolong"
_REDUPLICATED = re.compile(r"\b([a-z]{2,})2(nya)?\b")  # "syarat2nya" -> "syaratnya"
STEM_CACHE = 50_000
TYPO_MIN_LENGTH = 6
TYPO_SIMILARITY = 80
MAX_WORD = 30  # longer "words" are noise: not stemmed, not corrected
SPLIT_MIN = 8  # shorter unknown words are not split into several
_GLUE = frozenset({"ke", "di", "yg", "dan", "nya", "ga", "gak", "gk", "mau", "aja"})
_SUFFIXES = ("nya", "lah", "kah", "an", "kan", "i")


class RouteSpec(BaseModel):
    """Where a recognised entity leads: a node, and the answer key the entity is saved as."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    node: str
    save: str = ""  # none: the node needs no answer from the message


class WordRules(BaseModel):
    """`content/understanding/words.yaml`: how informal writing maps to the bot's words."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    phrases: dict[str, str] = Field(default_factory=dict)
    replace: dict[str, str] = Field(default_factory=dict)
    stopwords: list[str] = Field(default_factory=list)
    language_words: list[str] = Field(default_factory=list)
    job_words: list[str] = Field(default_factory=list)
    cost_words: list[str] = Field(default_factory=list)
    cost_except: list[str] = Field(default_factory=list)
    company_words: list[str] = Field(default_factory=list)
    company_stop: list[str] = Field(default_factory=list)
    company_check: list[str] = Field(default_factory=list)
    routes: dict[str, RouteSpec] = Field(default_factory=dict)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer:
    """The bare Sastrawi stemmer with its root-word dictionary, loaded once per process."""
    return Stemmer(ArrayDictionary(StemmerFactory().get_words()))


class Normaliser:
    """Applies the word rules; one instance per content version (it caches per version)."""

    def __init__(self, rules: WordRules) -> None:
        self.rules = rules
        self._phrases = sorted(
            (
                (tuple(normalize(k).split()), tuple(normalize(v).split()))
                for k, v in rules.phrases.items()
                if normalize(k)
            ),
            key=lambda pair: -len(pair[0]),
        )
        self._first_words = {phrase[0] for phrase, _ in self._phrases}
        self._replace = {
            normalize(k): tuple(normalize(v).split()) for k, v in rules.replace.items()
        }
        self._known: list[str] = []
        self._known_set: frozenset[str] = frozenset()
        # `stem` and `correct`, cached per instance (per content version)
        self.stem = lru_cache(maxsize=STEM_CACHE)(self._stem)
        self.correct = lru_cache(maxsize=STEM_CACHE)(self._correct)
        self.stopwords = frozenset(self.stem(w) for w in self.words(" ".join(rules.stopwords)))

    def know(self, stems: Iterable[str]) -> None:
        """Add the stems that typos may be corrected to (the content's own words)."""
        self._known_set = self._known_set | frozenset(s for s in stems if len(s) >= 3)
        self._known = sorted(self._known_set)
        self.correct.cache_clear()

    def knows(self, stem: str) -> bool:
        """Whether `stem` is one of the content's own words (never a name someone typed)."""
        return stem in self._known_set

    def words(self, text: str) -> tuple[str, ...]:
        """Lower-case words with phrases joined and slang replaced (not stemmed)."""
        plain = _REDUPLICATED.sub(r"\1\2", _REPEATS.sub(r"\1", normalize(text)))
        tokens = plain.split()
        if self._phrases and self._first_words.intersection(tokens):
            tokens = self._join_phrases(tokens)
        out: list[str] = []
        for token in tokens:
            replaced = self._replace.get(token)
            if replaced is None and len(token) >= SPLIT_MIN:
                pieces = self._split(token)
                if pieces:
                    for piece in pieces:
                        out.extend(self._replace.get(piece, (piece,)))
                    continue
            out.extend(replaced if replaced is not None else (token,))
        return tuple(out)

    def _split(self, token: str) -> list[str] | None:
        """Words run together ("brpbiayanya" -> "brp biayanya"), if the token is no word itself.

        The fewest pieces that are each a root word, a known slang word, or a root word
        with a suffix; None when there is no such split.
        """
        if (
            not token.isalpha()
            or len(token) > MAX_WORD
            or self._is_word(token)
            or self.stem(token) != token
            or self.correct(token) != token  # a typo of one word, not several words
        ):
            return None
        best: list[list[str] | None] = [[]] + [None] * len(token)
        for end in range(1, len(token) + 1):
            for start in range(max(0, end - MAX_WORD), end):
                before = best[start]
                piece = token[start:end]
                shorter = before is not None and (
                    best[end] is None or len(before) + 1 < len(best[end] or ())
                )
                if shorter and (len(piece) >= 3 or piece in _GLUE) and self._is_word(piece):
                    best[end] = [*(before or []), piece]
        pieces = best[len(token)]
        return pieces if pieces and len(pieces) > 1 else None

    def _is_word(self, piece: str) -> bool:
        if piece in self._replace or piece in _GLUE or piece in self._known_set:
            return True
        dictionary = _stemmer().dictionary
        if dictionary.contains(piece):
            return True
        return any(
            piece.endswith(suffix) and dictionary.contains(piece[: -len(suffix)])
            for suffix in _SUFFIXES
        )

    def _join_phrases(self, tokens: list[str]) -> list[str]:
        out: list[str] = []
        index = 0
        while index < len(tokens):
            for phrase, replacement in self._phrases:
                if tuple(tokens[index : index + len(phrase)]) == phrase:
                    out.extend(replacement)
                    index += len(phrase)
                    break
            else:
                out.append(tokens[index])
                index += 1
        return out

    def _stem(self, word: str) -> str:
        """The root of an Indonesian word ("persyaratannya" -> "syarat"); others unchanged.

        The informal suffix -in ("dipukulin", "tolongin") is read as -i or -kan when the
        stemmer does not know the word as it is.
        """
        if len(word) <= 3 or len(word) > MAX_WORD or not word.isalpha():
            return word
        stemmer = _stemmer()
        root: str = stemmer.stem(word) or word
        if root == word and word.endswith("in") and len(word) > 5:
            for formal in (word[:-2] + "i", word[:-2] + "kan"):
                candidate: str = stemmer.stem(formal)
                if candidate and candidate != formal:
                    return candidate
        return root

    def _correct(self, stem: str) -> str:
        """A content word close to an unknown one ("syarta" -> "syarat"), else the stem itself.

        Only words that are neither in the content nor Indonesian root words are corrected,
        and only to a word with the same first letter (typos seldom change the first one).
        """
        if (
            stem in self._known_set
            or len(stem) < TYPO_MIN_LENGTH
            or len(stem) > MAX_WORD
            or not stem.isalpha()
            or _stemmer().dictionary.contains(stem)
        ):
            return stem
        found = process.extractOne(
            stem, self._known, scorer=fuzz.ratio, score_cutoff=TYPO_SIMILARITY
        )
        return found[0] if found and found[0][0] == stem[0] else stem

    def stems(self, text: str) -> tuple[str, ...]:
        """Every word of `text` as a corrected stem, stopwords included, in order."""
        return tuple(self.correct(self.stem(word)) for word in self.words(text))

    def terms(self, text: str) -> tuple[str, ...]:
        """The stems that carry meaning for search (stopwords dropped)."""
        return tuple(stem for stem in self.stems(text) if stem not in self.stopwords)
