"""Checking a forwarded job advert on the spot: `advert_verdict`.

The understanding read the advert (flags from its words, the destination, the company, a
job-order number, contacts); here the registry and the verified jobs are consulted, the
offer check's rules score what was read, and the answer is one short message: the level,
each red flag with its line of why, what the advert does not say, what to do. Never
"safe". What was found is kept in the answers, so that a report or the full offer check
started from here is filled in from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.actions import ActionContext, ActionResult, action, wording_needs
from bot.actions.offer import recruiter_finding
from bot.actions.recruiters import status_text
from bot.actions.wording import check_args, day, fill, pick
from bot.data import ContentData
from bot.data.advert_rules import AdvertRules
from bot.data.offer_rules import RANK, UNKNOWN_COUNTRY, Finding, Level, VerdictLevel
from bot.effects import CountCheck
from bot.engine.navigation import CARRIED
from bot.understanding.adverts import AdvertReader, AdvertReading

BULLETS = {"danger": "🔴", "caution": "🟡", "info": "✅"}
WORDING = wording_needs(__name__, "unread", "sources", "reviewed")
"""The label of what the advert does not say and the labels of the footer."""


def _needs_rules(data: ContentData) -> str | None:
    if data.offer_rules is None:
        return "needs the rules content/data/offer_rules.yaml"
    if data.advert_rules is None:
        return "needs the rules content/data/advert_rules.yaml"
    return None


@dataclass(frozen=True, slots=True)
class Assessment:
    """What the advert check makes of a text: the level, the red flags (ids and their lines),
    what the advert does not say, and what was read from it."""

    level: VerdictLevel
    flags: list[str]  # every rule or flag that applied, notes ("info") included
    red_flags: list[str]  # those that are warnings (danger or caution)
    lines: list[tuple[Level, str, list[str]]]  # level, reason, sources
    unread: list[str]  # parts of texts.unread: company, job_order, country
    reading: AdvertReading
    finding: Finding


def assess(data: ContentData, reader: AdvertReader, text: str, lang: str) -> Assessment:
    """Read the advert, consult the registry and the verified jobs, score it with the offer
    check's rules and the advert rules."""
    offer_rules, advert_rules = data.offer_rules, data.advert_rules
    assert offer_rules is not None and advert_rules is not None
    reading = reader.read(text)
    finding, agency = recruiter_finding(data.agencies, reading.company)
    country = reading.country or UNKNOWN_COUNTRY
    verdict = offer_rules.evaluate(reading.answers, country, finding)
    values = {
        "query": reading.company or "",
        "recruiter": agency.name if agency else reading.company or "",
        "status": status_text(agency, data, lang) if agency else "",
        "date": day(data.agencies.as_of),
        "country": data.vocabulary.country(country, lang),
        "job_order": reading.job_order or "",
    }
    lines: list[tuple[Level, str, list[str]]] = []
    unread: list[str] = []
    flags: list[str] = []
    red: list[str] = []
    for rule in verdict.hits:
        if rule.id in advert_rules.unread_rules:
            unread.append(advert_rules.unread_rules[rule.id])
            continue
        flags.append(rule.id)
        red += [rule.id] if rule.level != "info" else []
        line = pick(rule.line(lang), lang)
        lines.append((rule.level, fill(line, **values), rule.sources))
    if reading.job_order is None:
        unread.append("job_order")
    for flag_id in _own_flags(advert_rules, reading, finding, data):
        flag = advert_rules.flag(flag_id)
        assert flag is not None and flag.level is not None
        flags.append(flag_id)
        red += [flag_id] if flag.level != "info" else []
        lines.append((flag.level, fill(pick(flag.why, lang), **values), flag.sources))
    level = _level(verdict.level, [level for level, _, _ in lines])
    return Assessment(level, flags, red, lines, unread, reading, finding)


@action(
    "advert_verdict",
    required=("text_from",),
    check_args=check_args(answers=("text_from",), needs=_needs_rules),
)
async def advert_verdict(context: ActionContext) -> ActionResult:
    """The advert's level, its red flags, what it does not say; the findings kept."""
    data, lang = context.data, context.lang
    offer_rules, advert_rules = data.offer_rules, data.advert_rules
    reader = context.needs_flows().understanding.adverts
    assert offer_rules is not None and advert_rules is not None and reader is not None
    text = str(context.answers.get(context.args["text_from"]) or "")
    found = assess(data, reader, text, lang)
    labels = context.words(WORDING)
    texts = [
        f"*{pick(offer_rules.levels[found.level].title, lang)}*",
        _body(advert_rules, found.lines, found.unread, lang, labels),
        pick(advert_rules.texts.advice[found.level], lang),
    ]
    reading = found.reading
    answers: dict[str, Any] = {
        **reading.answers,
        "offer_level": found.level,
        "offer_flags": found.flags,
        "offer_recruiter_status": found.finding,
        "advert_facts": {
            "country": reading.country or "",
            "company": reading.company or "",
            "contacts": list(reading.contacts),
            "flags": found.flags,
        },
    }
    answers["advert_sources"] = _details(advert_rules, found.lines, lang, labels)
    if reading.company:
        answers["recruiter_query"] = reading.company
    answers[CARRIED] = [*reading.answers, *(["recruiter_query"] if reading.company else [])]
    counted = CountCheck("advert", reading.country or "", found.level, tuple(found.red_flags))
    return ActionResult(texts=["\n\n".join(texts)], answers=answers, effects=(counted,))


@action(
    "offer_check_from",
    required=("country_from", "with_country", "without_country", "note"),
    check_args=check_args(answers=("country_from",), texts=("note",)),
)
async def offer_check_from(context: ActionContext) -> ActionResult:
    """Into the offer check after an advert: past the country question when the advert
    named the country (the questions it answered are skipped there too)."""
    args = context.args
    known = context.answers.get(args["country_from"])
    target = args["with_country"] if known else args["without_country"]
    return ActionResult(texts=[pick(args["note"], context.lang)], goto=str(target))


def _own_flags(
    rules: AdvertRules, reading: AdvertReading, finding: str, data: ContentData
) -> list[str]:
    """The flags the advert rules score themselves: read from words, or from the contacts
    and the job-order number."""
    own = [flag for flag in reading.flags if (rule := rules.flag(flag)) and rule.level]
    if reading.contacts and finding != "active":
        own.append("private_contact")
    if reading.job_order:
        known = {job.ref.upper() for job in data.jobs.jobs}
        own.append("job_order_verified" if reading.job_order in known else "job_order_unknown")
    return [flag for flag in dict.fromkeys(own) if rules.flag(flag)]


def _level(offer_level: VerdictLevel, levels: list[Level]) -> VerdictLevel:
    worst = max([offer_level, *levels], key=RANK.__getitem__)
    return "ok" if worst == "info" else worst


def _body(
    rules: AdvertRules,
    lines: list[tuple[Level, str, list[str]]],
    unread: list[str],
    lang: str,
    labels: dict[str, str],
) -> str:
    parts = []
    if any(level != "info" for level, _, _ in lines):
        worst_first = sorted(lines, key=lambda line: -RANK[line[0]])
        shown = worst_first[: rules.texts.show_at_most]
        parts.append(pick(rules.texts.found, lang))
        parts += [f"{BULLETS[level]} {text}" for level, text, _ in shown]
        if len(worst_first) > len(shown):
            parts.append(fill(pick(rules.texts.more, lang), count=len(worst_first) - len(shown)))
    else:
        parts.append(pick(rules.texts.none_found, lang))
        parts += [f"{BULLETS[level]} {text}" for level, text, _ in lines]
    if unread:
        names = [pick(rules.texts.unread[part], lang) for part in dict.fromkeys(unread)]
        parts.append(f"{labels['unread']}: {', '.join(names)}.")
    return "\n".join(parts)


def _details(
    rules: AdvertRules, lines: list[tuple[Level, str, list[str]]], lang: str, labels: dict[str, str]
) -> str:
    """Behind the "details and sources" button (the answer itself fits one screen): the red
    flags that did not fit on it, the sources of every reason, the rules' review date."""
    worst_first = sorted(lines, key=lambda line: -RANK[line[0]])
    rest = worst_first[rules.texts.show_at_most :]
    more = "\n".join(f"{BULLETS[level]} {text}" for level, text, _ in rest)
    sources = _sources(rules, lines, labels)
    return f"{more}\n\n{sources}" if more else sources


def _sources(
    rules: AdvertRules, lines: list[tuple[Level, str, list[str]]], labels: dict[str, str]
) -> str:
    sources = list(dict.fromkeys(source for _, _, found in lines for source in found))
    footer = f"{labels['reviewed']}: {day(rules.reviewed)}."
    return f"{labels['sources']}: {'; '.join(sources)}.\n{footer}" if sources else footer
