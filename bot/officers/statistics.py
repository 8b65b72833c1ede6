"""The figures of an officer's area and period: the store's counts (`Store.tally`) with what
only the content knows (the 29 kecamatan of the report form, page titles, country names,
red-flag lines) and the grouped questions the bot could not answer, each named by the
content's words among its normalised terms (never by what someone typed). The web console's
statistics page and the Telegram `/stats` both start here."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime

from bot.content import Content
from bot.engine.spec import PageNode
from bot.figures import UNKNOWN, Figures, Names, build_figures
from bot.records import Area
from bot.store import Store
from bot.understanding.unanswered import group_questions
from bot.understanding.words import Normaliser

UNANSWERED_READ = 2_000  # the most recent ones, so the page stays quick however many there are
TITLE_CHARS = 60
MARKUP = re.compile(r"[*_`]")
LETTER = re.compile(r"[^\W\d_]")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")  # filled in for a user; in a chart's label: "…"


async def officer_figures(
    store: Store, content: Content, area: Area, since: datetime, now: datetime, lang: str
) -> Figures:
    """The figures for `area` from `since` to `now`, labelled in `lang`."""
    tally = await store.tally(area, since, now)
    asked = await store.unanswered(since, limit=UNANSWERED_READ)
    normaliser = content.flows.understanding.normaliser
    groups = await asyncio.to_thread(group_questions, asked, normaliser)
    names = Names(
        kecamatan=content.data.kecamatan_names(),
        country=lambda text: _country(content, text, lang),
        topics=page_titles(content, lang),
        red_flags=flag_lines(content, lang),
        unanswered=[(question_label(group.terms, normaliser), group.count) for group in groups],
    )
    return build_figures(tally, names)


def question_label(terms: tuple[str, ...], normaliser: Normaliser) -> str:
    """A group of unanswered questions as a chart names it: only the terms that are the
    content's own words, never the words as typed, so a name, a village or a number someone
    wrote never reaches an officer ("" when no term is the content's)."""
    return " ".join(term for term in terms if normaliser.knows(term) and term.isalpha())


def page_titles(content: Content, lang: str) -> dict[str, str]:
    """Each factual page's title: the first line of its text in `lang`, without markup
    (pages that only say what the bot does, "about" or "help", are no topic)."""
    flows = content.flows
    return {
        node_id: title
        for node_id, node in flows.nodes.items()
        if isinstance(node, PageNode)
        and node.factual
        and (title := _first_line(flows.text(node.text, lang)))
    }


def flag_lines(content: Content, lang: str) -> dict[str, str]:
    """Each red flag's one line (offer rules, then the advert rules' own flags)."""
    lines: dict[str, str] = {}
    advert_rules, offer_rules = content.data.advert_rules, content.data.offer_rules
    for flag in advert_rules.flags if advert_rules else []:
        why = flag.why.get(lang) or flag.why.get("id", "")
        lines[flag.id] = _first_line(why.split(". ")[0].split(": ")[0])
    for rule in offer_rules.rules if offer_rules else []:
        lines[rule.id] = _first_line(rule.line(lang).get(lang, "").split(": ")[0])
    return {  # a line that was all placeholders: the flag's id, in words
        flag: line if LETTER.search(line) else flag.replace("_", " ")
        for flag, line in lines.items()
    }


def _country(content: Content, text: str, lang: str) -> str:
    """A stored country (a code, or a name the reporter typed) as its name, or UNKNOWN: a
    typed text that names no known country is never shown."""
    vocabulary = content.data.vocabulary
    code = vocabulary.country_code(text)
    return vocabulary.country(code, lang) if code else UNKNOWN


def _first_line(text: str) -> str:
    plain = PLACEHOLDER.sub("…", MARKUP.sub("", text.strip().split("\n")[0]))
    line = " ".join(plain.split())
    return line if len(line) <= TITLE_CHARS else line[: TITLE_CHARS - 1].rstrip() + "…"
