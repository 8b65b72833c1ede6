"""A small search index over the content: which page answers a typed question.

Each page is represented by passages: the example questions content authors wrote
for it, its titles (the button labels that lead to it and its heading), and its text.
A question is scored against every example and title with IDF-weighted cosine
similarity of the stems they share (IDF over pages, so words on every page count
little), and against every line of text by the share of the question's weight that
the line covers (a long line would drown in cosine). A page scores its best passage
times the passage's weight; both measures stay in 0..1, so one threshold works for
short and long questions alike.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

EXAMPLE_WEIGHT = 1.0
TITLE_WEIGHT = 0.9
TEXT_WEIGHT = 0.55


@dataclass(frozen=True, slots=True)
class Passage:
    """A piece of text that speaks for one page: its stems and how much it counts."""

    node: str
    stems: frozenset[str]
    weight: float
    covering: bool = False  # scored by how much of the question it covers, not by cosine


@dataclass(frozen=True, slots=True)
class Hit:
    """A page and how well it answers the question (0..1)."""

    node: str
    score: float


class TopicIndex:
    """IDF-weighted cosine search over passages, built once per content version."""

    def __init__(self, passages: Sequence[Passage]) -> None:
        self._passages = [p for p in passages if p.stems]
        pages: dict[str, set[str]] = defaultdict(set)
        for passage in self._passages:
            pages[passage.node] |= passage.stems
        count = max(len(pages), 1)
        frequency: dict[str, int] = defaultdict(int)
        for stems in pages.values():
            for stem in stems:
                frequency[stem] += 1
        self.idf = {stem: math.log((count + 1) / (df + 0.5)) for stem, df in frequency.items()}
        self.unknown_idf = math.log((count + 1) / 0.5)  # a word no page has: as rare as can be
        self._postings: dict[str, list[int]] = defaultdict(list)
        self._norms: list[float] = []
        for number, passage in enumerate(self._passages):
            for stem in passage.stems:
                self._postings[stem].append(number)
            self._norms.append(math.sqrt(sum(self.idf[s] ** 2 for s in passage.stems)))

    def search(self, stems: Sequence[str], limit: int = 5) -> list[Hit]:
        """The best pages for a question's stems, best first, at most `limit`."""
        query = set(stems)
        if not query:
            return []
        weights = {stem: self.idf.get(stem, self.unknown_idf) for stem in query}
        query_norm = math.sqrt(sum(w * w for w in weights.values()))
        dots: dict[int, float] = defaultdict(float)
        for stem in query:
            weight = weights[stem]
            for number in self._postings.get(stem, ()):
                dots[number] += weight * weight
        best: dict[str, float] = {}
        for number, dot in dots.items():
            passage = self._passages[number]
            if passage.covering:  # a line of text: how much of the question it covers
                score = passage.weight * dot / (query_norm * query_norm)
            else:
                score = passage.weight * dot / (query_norm * self._norms[number])
            if score > best.get(passage.node, 0.0):
                best[passage.node] = score
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:limit]  # ties: by id
        return [Hit(node, round(score, 4)) for node, score in ranked]
