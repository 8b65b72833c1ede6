"""Checking a job offer: `offer_countries` (the destination question) and `offer_verdict`.

The verdict applies the rules of `content/data/offer_rules.yaml` to the answers,
the destination and what the P3MI registry says about the named recruiter. It
keeps its findings in the answers (`offer_level`, `offer_flags`, ...) so that a
report started from the verdict can be filled in from them.
"""

from __future__ import annotations

import hashlib
from typing import Any

from bot.actions import ActionContext, ActionResult, action, wording_needs
from bot.actions.recruiters import registry_footer, status_text
from bot.actions.wording import check_args, day, fill, pick, sample_note
from bot.data import ContentData
from bot.data.agencies import Agency, AgencyRegistry
from bot.data.offer_rules import OTHER_COUNTRY, RANK, UNKNOWN_COUNTRY, Finding
from bot.effects import CountCheck
from bot.engine.text import SCREEN_CHARS, split_screens

WORDING = wording_needs(__name__, "found", "sources", "reviewed")
"""The heading of the verdict's reasons and the labels of its footer."""
BULLETS = {"danger": "🔴", "caution": "🟡", "info": "✅"}


def _needs_rules(data: ContentData) -> str | None:
    if data.offer_rules is None:
        return "needs the rules content/data/offer_rules.yaml"
    return None if data.agencies.loaded else "needs the registry content/data/agencies.csv"


@action(
    "offer_countries",
    required=("save", "other", "unsure"),
    check_args=check_args(answers=("save",), texts=("other", "unsure"), needs=_needs_rules),
    offers_choices=True,
)
async def offer_countries(context: ActionContext) -> ActionResult:
    """The destinations the rules know, in their order, then 'another country' and 'not sure'."""
    rules, vocabulary = context.data.offer_rules, context.data.vocabulary
    assert rules is not None
    choices: list[tuple[str, Any]] = [
        (vocabulary.country(code, context.lang), code) for code in rules.countries
    ]
    choices.append((pick(context.args["other"], context.lang), OTHER_COUNTRY))
    choices.append((pick(context.args["unsure"], context.lang), UNKNOWN_COUNTRY))
    return ActionResult(choices=choices, save=context.args["save"])


def recruiter_finding(registry: AgencyRegistry, name: Any) -> tuple[Finding, Agency | None]:
    """What the registry says about a recruiter's name, and the agency it points to."""
    query = str(name or "").strip()
    if not query:
        return "none", None
    matches = registry.search(query, limit=1)
    if not matches:
        return "not_found", None
    match = matches[0]
    finding: Finding = match.agency.status if match.exact else "similar"
    return finding, match.agency


@action(
    "offer_verdict",
    required=("country_from", "recruiter_from"),
    check_args=check_args(answers=("country_from", "recruiter_from"), needs=_needs_rules),
)
async def offer_verdict(context: ActionContext) -> ActionResult:
    """The level (looks official / be careful / danger), every reason, and next steps."""
    data, lang, answers = context.data, context.lang, context.answers
    rules = data.offer_rules
    assert rules is not None
    country = str(answers.get(context.args["country_from"]) or UNKNOWN_COUNTRY)
    query = str(answers.get(context.args["recruiter_from"]) or "").strip()
    finding, agency = recruiter_finding(data.agencies, query)
    verdict = rules.evaluate(answers, country, finding)
    values = {
        "query": query,
        "recruiter": agency.name if agency else query,
        "licence": agency.licence if agency else "",
        "status": status_text(agency, data, lang) if agency else "",
        "date": day(data.agencies.as_of),
        "country": data.vocabulary.country(country, lang),
    }
    labels = context.words(WORDING)
    level = rules.levels[verdict.level]
    texts = [f"*{pick(level.title, lang)}*"]
    worst_first = sorted(verdict.hits, key=lambda rule: -RANK[rule.level])
    shown, rest = worst_first[: rules.show_at_most], worst_first[rules.show_at_most :]
    if shown:  # one screen: the worst reasons in one line each, the rest one tap away
        reasons = [f"{BULLETS[r.level]} {fill(pick(r.line(lang), lang), **values)}" for r in shown]
        if rest:
            reasons.append(fill(pick(rules.more, lang), count=len(rest)))
        texts.append("\n".join([labels["found"], *reasons]))
    texts.append(pick(level.advice, lang))
    if finding != "none" and data.agencies.sample:  # said under every answer from sample data
        texts.append(sample_note(lang))
    details = [f"{BULLETS[r.level]} {fill(pick(r.why, lang), **values)}" for r in worst_first]
    sources = list(dict.fromkeys(source for rule in verdict.hits for source in rule.sources))
    footer = f"{labels['reviewed']}: {day(rules.reviewed)}."
    if sources:
        footer = f"{labels['sources']}: {'; '.join(sources)}. {footer}"
    if finding != "none":
        footer += "\n" + registry_footer(data, lang)
    found = {
        "offer_level": verdict.level,
        "offer_flags": [rule.id for rule in verdict.hits],
        "offer_recruiter_status": finding,
        "offer_recruiter_licence": agency.licence if agency and finding != "similar" else None,
        "offer_details": "\n\n".join([*details, footer]),  # behind "Rincian & sumber"
    }
    counted = CountCheck(
        tool="offer",
        country="" if country in (OTHER_COUNTRY, UNKNOWN_COUNTRY) else country,
        verdict=verdict.level,
        flags=tuple(rule.id for rule in verdict.hits if rule.level != "info"),
    )
    return ActionResult(texts=texts, answers=found, effects=(counted,))


@action(
    "saved_text",
    required=("text_from", "title", "save"),
    check_args=check_args(answers=("text_from", "save"), texts=("title",)),
    offers_choices=True,
)
async def saved_text(context: ActionContext) -> ActionResult:
    """A text an earlier action kept in the answers: the details and sources of a check,
    behind its "Rincian & sumber" button (so that the check's answer fits one screen);
    one screen at a time under its title, with "Next" to the following one."""
    text = str(context.answers.get(context.args["text_from"]) or "")
    title = pick(context.args["title"], context.lang)
    screen_chars = context.flows.system.screen_chars if context.flows else SCREEN_CHARS
    screens = split_screens(text, screen_chars - len(title) - 2)
    which = hashlib.sha256(text.encode()).hexdigest()[:12]  # a new check starts at its top
    picked = context.answers.get(context.args["save"])
    at = picked.get("screen", 0) if isinstance(picked, dict) and picked.get("of") == which else 0
    at = min(max(int(at), 0), len(screens) - 1)
    choices: list[tuple[str, Any]] = []
    if at < len(screens) - 1:
        label = context.flows.label("next", context.lang) if context.flows else "▶"
        choices.append((label, {"screen": at + 1, "of": which}))
    return ActionResult(
        texts=[f"{title}\n\n{screens[at]}"], choices=choices, save=context.args["save"]
    )
