"""Text helpers of the engine: normalising input, matching options, splitting screens."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from rapidfuzz import fuzz

_NON_WORD = re.compile(r"[^0-9a-z]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
FUZZY_THRESHOLD = 80
FUZZY_MARGIN = 5


@lru_cache(maxsize=8192)  # labels and keywords repeat on every step
def normalize(text: str) -> str:
    """Case-, accent- and punctuation-free form: 'Kembali!' and ' kembalí ' -> 'kembali'."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NON_WORD.sub(" ", stripped.casefold()).strip()


def clean_input(text: str) -> str:
    """User text without control characters (newlines and tabs kept) and outer spaces."""
    return _CONTROL.sub("", text).strip()


def match_label(
    text: str, labels: Sequence[str], words: Sequence[Sequence[str]] = ()
) -> int | None:
    """Index of the option a user meant by `text`: its number, its label, or a close misspelling;
    with `words` (per label, other ways people say it: "jaga lansia" for "Perawat lansia"),
    also one of those words, alone, misspelled or inside a longer message ("sy mau jaga lansia")
    that negates nothing ("bukan pabrik", "gak mau ke arab" pick nothing).

    Returns None when nothing matches clearly; never guesses between two options.
    """
    wanted = normalize(text)
    if not wanted:
        return None
    if wanted.isdigit():
        number = int(wanted)
        return number - 1 if 1 <= number <= len(labels) else None
    named = [(index, normalize(label)) for index, label in enumerate(labels)]
    said = [(index, normalize(word)) for index, others in enumerate(words) for word in others]
    phrases = [(index, phrase) for index, phrase in named + said if phrase]
    found = _one({index for index, phrase in phrases if phrase == wanted})
    if found is None and len(wanted) >= 3:  # a part of a label: "korea" for "Korea Selatan"
        found = _one(
            {
                index
                for index, phrase in named
                if phrase and (f" {wanted} " in f" {phrase} " or phrase.startswith(wanted))
            }
        )
    if found is not None:
        return found
    inside = _inside(wanted, [(index, phrase) for index, phrase in said if phrase])
    if inside:  # one of the words inside the message: that answer, or none if two
        return _one(inside)
    best: dict[int, float] = {}
    negated = _negated(wanted)
    for index, phrase in phrases:  # "iya setuju" is close to "tidak setuju" only in letters
        if " " not in phrase or _negated(phrase) == negated:  # ("tidk" may still be "Tidak")
            best[index] = max(best.get(index, 0.0), fuzz.ratio(wanted, phrase))
    scores = sorted(((score, index) for index, score in best.items()), reverse=True)
    if not scores or scores[0][0] < FUZZY_THRESHOLD:
        return None
    if len(scores) > 1 and scores[0][0] - scores[1][0] < FUZZY_MARGIN:
        return None
    return scores[0][1]


NEGATIONS = frozenset(
    {"tidak", "tdk", "tak", "gak", "ga", "gk", "nggak", "ngga", "enggak", "ndak", "bukan"}
    | {"jangan", "tanpa", "kagak", "ora", "teu", "henteu", "moal", "no", "not", "dont", "don"}
)
"""Words that turn "pabrik" in "bukan pabrik" into its opposite (Indonesian, the Sundanese and
Javanese of Serang's villages, English)."""


def _negated(phrase: str) -> bool:
    return any(word in NEGATIONS for word in phrase.split())


def _one(indexes: set[int]) -> int | None:
    return next(iter(indexes)) if len(indexes) == 1 else None


def _inside(message: str, said: list[tuple[int, str]]) -> set[int]:
    """The answers whose words stand whole inside `message`; a word inside a longer one found
    too does not count ("emirat arab" is one place, not "arab" as well); a negation in the
    message counts only as part of the word ("tidak tahu"), else nothing is found."""
    padded = f" {message} "
    found = [(index, phrase) for index, phrase in said if f" {phrase} " in padded]
    denied = NEGATIONS.intersection(message.split())
    return {
        index
        for index, phrase in found
        if denied <= set(phrase.split())
        and not any(phrase != longer and f" {phrase} " in f" {longer} " for _, longer in found)
    }


SCREEN_CHARS = 600
"""One phone screen, in characters: the default of the content's `screen_chars`."""


def split_screens(text: str, limit: int) -> list[str]:
    """Split long text into screens of at most `limit` characters.

    A line holding only `---` forces a break; otherwise paragraphs are packed
    greedily, a too-long paragraph is cut at sentence ends, then at spaces.
    """
    screens: list[str] = []
    for block in re.split(r"\n\s*---\s*\n", text.strip()):
        current = ""
        for paragraph in _pieces(block, limit):
            candidate = f"{current}\n\n{paragraph}" if current else paragraph
            if len(candidate) <= limit:
                current = candidate
            else:
                screens.append(current)
                current = paragraph
        if current:
            screens.append(current)
    return screens or [""]


def _pieces(block: str, limit: int) -> list[str]:
    pieces: list[str] = []
    for paragraph in re.split(r"\n\s*\n", block.strip()):
        paragraph = paragraph.strip()
        if len(paragraph) <= limit:
            pieces.append(paragraph)
            continue
        sentences = re.split(r"(?<=[.!?])\s+", paragraph)
        current = ""
        for sentence in sentences:
            for chunk in _hard_split(sentence, limit):
                candidate = f"{current} {chunk}" if current else chunk
                if len(candidate) <= limit:
                    current = candidate
                else:
                    pieces.append(current)
                    current = chunk
        if current:
            pieces.append(current)
    return [piece for piece in pieces if piece]


def _hard_split(sentence: str, limit: int) -> list[str]:
    chunks: list[str] = []
    while len(sentence) > limit:
        cut = sentence.rfind(" ", 0, limit)
        cut = cut if cut > 0 else limit
        chunks.append(sentence[:cut].strip())
        sentence = sentence[cut:].strip()
    chunks.append(sentence)
    return chunks
