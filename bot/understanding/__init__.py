"""Understanding what people type: routing a question by meaning, cries for help, everyday answers.

Built once per content version from the flows and the files in `content/understanding/`
(the engine calls it, so it is pure: no I/O, no clock). `read` turns a typed message
into ranked routes (a page, or an entity such as a company name that leads into a
check) and says whether the best one is clear enough to answer at once.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.engine.spec import I18n, MenuNode, Node, PageNode, SystemSpec
from bot.engine.text import normalize
from bot.understanding.adverts import AdvertReader
from bot.understanding.alarm import Alarm, AlarmDetector, AlarmRules
from bot.understanding.answers import Everyday, EverydayAnswers
from bot.understanding.entities import EntityFinder
from bot.understanding.index import (
    EXAMPLE_WEIGHT,
    TEXT_WEIGHT,
    TITLE_WEIGHT,
    Passage,
    TopicIndex,
)
from bot.understanding.words import Normaliser, WordRules

if TYPE_CHECKING:  # the rules are data; importing them here would be a cycle
    from bot.data.advert_rules import AdvertRules

CONFIDENT = 0.52  # the best page scores at least this...
MARGIN = 0.06  # ...and this much more than the next one: answer at once
SUGGEST = 0.27  # the best page scores at least this: "did you mean...?"
SUGGESTIONS = 3
EVERYDAY_CHARS = 60  # longer than this, a message is not a "ya" or a "gk tau"
ADVERT_CHARS = 3_000  # an advert is kept (for its check and a report) up to this length
TITLE_CHARS = 30  # a title made from a node's text is cut to fit a button
READ_CHARS = 500  # a question is read from its first 500 characters (a long text costs CPU)

__all__ = ["Alarm", "Everyday", "Reading", "Route", "Understanding", "UnderstandingFiles"]


@dataclass(frozen=True, slots=True)
class Route:
    """Somewhere a typed message can lead.

    `target` names it for logs and the question set: a node id, "jobs:TW",
    "recruiter", "reference" or "language". `node` is where the engine goes (empty for
    "language", which opens the language choice), after saving `answers`.
    """

    target: str
    node: str
    answers: tuple[tuple[str, Any], ...] = ()
    score: float = 1.0


@dataclass(frozen=True, slots=True)
class Reading:
    """What a typed message means: routes best first, and whether the first is clear."""

    routes: tuple[Route, ...] = ()
    confident: bool = False

    @property
    def suggestions(self) -> tuple[Route, ...]:
        """The routes worth offering as "did you mean" buttons."""
        return self.routes[:SUGGESTIONS]


@dataclass(frozen=True)
class UnderstandingFiles:
    """The loaded files of `content/understanding/` (empty when absent)."""

    words: WordRules = field(default_factory=WordRules)
    alarms: AlarmRules = field(default_factory=AlarmRules)
    examples: Mapping[str, Mapping[str, list[str]]] = field(default_factory=dict)


class Understanding:
    """Reads typed messages for one content version."""

    def __init__(
        self,
        system: SystemSpec,
        nodes: Mapping[str, Node],
        files: UnderstandingFiles | None = None,
        countries: Mapping[str, Iterable[str]] | None = None,
        company_names: Iterable[str] = (),
        advert_rules: AdvertRules | None = None,
    ) -> None:
        files = files or UnderstandingFiles()
        self.normaliser = Normaliser(files.words)
        self.titles = _titles(system, nodes)
        self._text_titles = _text_titles(nodes)
        self.normaliser.know(_content_words(nodes, files.examples))  # not split, not "corrected"
        passages = list(self._passages(nodes, files.examples))
        self.normaliser.know(stem for passage in passages for stem in passage.stems)
        self.index = TopicIndex(passages)
        self.alarms = AlarmDetector(files.alarms, self.normaliser)
        self.everyday = EverydayAnswers(
            self.normaliser,
            system.yes_words,
            system.no_words,
            system.unsure_words,
            system.next_words,
            system.filler_words,
            system.thanks_words,
            system.opener_words,
        )
        self.entities = EntityFinder(
            self.normaliser, system.reference_pattern, countries or {}, company_names
        )
        self._reference_node = system.reference_node or ""
        self._routes = files.words.routes
        self.adverts = (
            AdvertReader(advert_rules, self.normaliser, self.entities) if advert_rules else None
        )

    def _passages(
        self, nodes: Mapping[str, Node], examples: Mapping[str, Mapping[str, list[str]]]
    ) -> Iterable[Passage]:
        terms = self.normaliser.terms
        for node_id, by_lang in examples.items():
            for questions in by_lang.values():
                for question in questions:
                    yield Passage(node_id, frozenset(terms(question)), EXAMPLE_WEIGHT)
        for node_id, node in nodes.items():
            if not (isinstance(node, PageNode | MenuNode) or node_id in examples):
                continue
            if _confirmation(node) and node_id not in examples:
                continue  # "Hapus pendaftaran ini?": reached only by its own button
            for title in self.titles.get(node_id, {}).values():
                yield Passage(node_id, frozenset(terms(title)), TITLE_WEIGHT)
            for text in (getattr(node, "text", None) or {}).values():
                lines = [line.strip() for line in text.splitlines() if line.strip()]
                if lines and lines[0].startswith("*"):
                    yield Passage(node_id, frozenset(terms(lines[0])), TITLE_WEIGHT)
                    lines = lines[1:]
                for line in lines:
                    if line != "---":
                        yield Passage(node_id, frozenset(terms(line)), TEXT_WEIGHT, covering=True)

    def title(self, node: str, lang: str) -> str:
        """A short name of a node for a button (the label of a button that leads to it, or
        the start of its text); never its id: "" when it has neither."""
        names = self.titles.get(node) or self._text_titles.get(node) or {}
        return names.get(lang) or next(iter(names.values()), "")

    def alarm(self, text: str) -> Alarm | None:
        """The alarm a message raises, if it reads as a cry for help."""
        return self.alarms.check(text)

    def answer_kinds(self, text: str) -> list[Everyday]:
        """Whether the message is an everyday yes / no / don't know / go on."""
        return self.everyday.classify(text) if len(text) <= EVERYDAY_CHARS else []

    def advert(self, text: str, forwarded: bool = False) -> Route | None:
        """Where a job advert pasted or forwarded into the chat leads (its check, with the
        text), or None when the message does not read like an advert."""
        route = self._routes.get("advert")
        if route is None or self.adverts is None:
            return None
        if not self.adverts.looks_like_advert(text, forwarded):
            return None
        return Route("advert", route.node, ((route.save, text[:ADVERT_CHARS]),))

    def read(self, text: str) -> Reading:
        """Where a typed message should lead, best first."""
        text = text[:READ_CHARS]
        reference = self.entities.reference(text)
        if reference and self._reference_node:
            route = Route("reference", self._reference_node, (("reference", reference),))
            return Reading((route,), True)
        words = self.normaliser.words(text)
        if self.entities.wants_language(words):
            return Reading((Route("language", ""),), True)
        direct: list[Route] = []
        country = self.entities.jobs_country(words)
        jobs = self._routes.get("jobs")
        if country and jobs:
            direct.append(Route(f"jobs:{country}", jobs.node, ((jobs.save, country),)))
        cost = self._routes.get("cost")
        if cost and not country and self.entities.asks_cost_of_going(words):
            direct.append(Route(cost.node, cost.node))
        company_route = self._routes.get("company")
        company = self.entities.company(text) if company_route else None
        if company and company_route:
            direct.append(Route("recruiter", company_route.node, ((company_route.save, company),)))
        hits = self.index.search(self.normaliser.terms(text), limit=SUGGESTIONS + 2)
        found = [Route(hit.node, hit.node, score=hit.score) for hit in hits]
        if direct:
            return Reading(tuple(direct + found), True)
        if not found or found[0].score < SUGGEST:
            return Reading((), False)  # nothing close: the topics and "ask an officer"
        clear = found[0].score >= CONFIDENT and (
            len(found) == 1 or found[0].score - found[1].score >= MARGIN
        )
        kept = [route for route in found if route.score >= SUGGEST / 2]
        return Reading(tuple(kept), clear)


def _content_words(
    nodes: Mapping[str, Node], examples: Mapping[str, Mapping[str, list[str]]]
) -> set[str]:
    """Every word the content itself uses, as written."""
    texts = [
        text for node in nodes.values() for text in (getattr(node, "text", None) or {}).values()
    ]
    texts += [q for by_lang in examples.values() for qs in by_lang.values() for q in qs]
    return {word for text in texts for word in normalize(text).split() if word.isalpha()}


def _confirmation(node: Node) -> bool:
    """A menu that only confirms an act (its every option `means` yes or no)."""
    options = getattr(node, "options", None) or []
    return isinstance(node, MenuNode) and bool(options) and all(o.means for o in options)


def _first_line(text: str) -> str:
    """The start of a text's first line, short enough for a button."""
    line = next((line for line in text.splitlines() if line.strip()), "").strip(" *")
    return line if len(line) <= TITLE_CHARS else line[: TITLE_CHARS - 1].rstrip() + "…"


def _titles(system: SystemSpec, nodes: Mapping[str, Node]) -> dict[str, I18n]:
    """Each node's first button label, walking the menus from the start breadth-first."""
    titles: dict[str, I18n] = {}
    queue = deque([system.start])
    seen = {system.start}
    while queue:
        node = nodes.get(queue.popleft())
        for option in getattr(node, "options", None) or []:
            titles.setdefault(option.goto, option.label)
            if option.goto not in seen:
                seen.add(option.goto)
                queue.append(option.goto)
    return titles


def _text_titles(nodes: Mapping[str, Node]) -> dict[str, I18n]:
    """The start of each node's text, for a node no button names."""
    return {
        node_id: {lang: _first_line(value) for lang, value in text.items()}
        for node_id, node in nodes.items()
        if (text := getattr(node, "text", None) or {})
    }
