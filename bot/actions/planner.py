"""Actions of the registration of a plan to work abroad (content/flows/planner.yaml).

The person's place is found by `bot.actions.places`; the recruiter is checked by the
recruiter check's own actions (`recruiter_search`, `recruiter_detail`), whose pick is read
here; the plan is saved with the turn (`SaveRegistration`), with the warnings about the
recruiter and the destination given in the same reply. The checklist itself is `planner_steps`.
"""

from __future__ import annotations

from typing import Any

from bot.actions import ActionContext, ActionResult, action, wording_needs
from bot.actions.wording import check_args, fill, local_today, pick
from bot.data import ContentData
from bot.effects import DeleteRegistration, SaveRegistration
from bot.planner.progress import (
    departure_month,
    destination_warnings,
    first_open,
    recruiter_kind,
    recruiter_status,
    recruiter_warning,
    route,
)
from bot.records import Registration

WORDING = wording_needs(
    __name__,
    *("name", "place", "country", "sector", "recruiter", "departure", "officers", "family"),
    *("none", "individual", "other", "show_both", "show_contact", "show_none", "unsure", "by"),
    "all_done",
    country_known=("country",),
    country_unknown=("query",),
)
"""The labels of the plan as the person reads it back, and the destination's short lines."""
REGISTRATION_ANSWERS = ("reg_", "recruiter_")
"""The prefixes of the registration form's answers (content/flows/planner.yaml)."""
MAX_COUNTRY_TEXT = 60  # characters of a typed destination looked at (the question takes 60)
CONTACT = {"both": (True, True), "contact": (False, True), "none": (False, False)}
"""The officers' consent answer -> (they may see the name, they may send messages)."""


def _needs_planner_data(data: ContentData) -> str | None:
    if data.wilayah is None:
        return "needs the kecamatan and desa content/data/wilayah.yaml"
    if data.checklist is None:
        return "needs the checklist content/data/checklist.yaml"
    return None


@action(
    "planner_open",
    required=("registered",),
    check_args=check_args(needs=_needs_planner_data),
    links=("registered",),
)
async def planner_open(context: ActionContext) -> ActionResult:
    """A person who registered sees their plan (`registered`); anyone else the consent."""
    services = context.needs_services()
    registration = await services.store.registration(context.channel, context.user)
    if registration is None:
        return ActionResult()
    return ActionResult(goto=str(context.args["registered"]))


@action("planner_consent", required=("text",), check_args=check_args(texts=("text",)))
async def planner_consent(context: ActionContext) -> ActionResult:
    """The consent screen, with the retentions the configuration sets."""
    services = context.needs_services()
    text = fill(
        pick(context.args["text"], context.lang),
        days=services.planner_retention_days,
        undated=services.planner_undated_retention_days,
    )
    return ActionResult(texts=[text])


@action(
    "country_find",
    required=("query_from", "save"),
    check_args=check_args(answers=("query_from", "save")),
)
async def country_find(context: ActionContext) -> ActionResult:
    """A destination typed by name: its code in the vocabulary, or "other"; a country warned
    about whatever the work (no placement agreement) is warned about at once."""
    args, vocabulary, labels = context.args, context.data.vocabulary, context.words(WORDING)
    query = str(context.answers.get(args["query_from"]) or "")
    code = vocabulary.country_in(query[:MAX_COUNTRY_TEXT])
    if code is None:
        return ActionResult(
            texts=[fill(labels["country_unknown"], query=query)], answers={args["save"]: "other"}
        )
    text = fill(labels["country_known"], country=vocabulary.country(code, context.lang))
    if context.data.checklist:  # a country with no placement agreement: said now, not at saving
        text = "\n\n".join(
            [text, *destination_warnings(context.data.checklist, code, "", context.lang)]
        )
    return ActionResult(texts=[text], answers={args["save"]: code})


def registration_fields(context: ActionContext) -> dict[str, Any]:
    """The registration the answers describe, as the store's columns."""
    answers, data = context.answers, context.data
    kind = str(answers.get("reg_recruiter") or "none")
    query = str(answers.get("recruiter_query") or "") if kind == "company" else ""
    licence = str(answers.get("recruiter_pick") or "") if kind == "company" else ""
    listed = {match.agency.licence for match in data.agencies.search(query)} if query else set()
    if licence not in listed:
        licence = ""  # picked in an earlier search; the last one found nothing picked
    if kind == "company" and not licence and listed:
        kind = "unchecked"  # names like it are listed, and she picked none of them
    agency = data.agencies.by_licence(licence) if licence else None
    recruiter = agency.name if agency else query
    kecamatan = str(answers.get("reg_kecamatan") or "")
    desa = str(answers.get("reg_desa") or "")
    place = data.wilayah.by_name(kecamatan) if data.wilayah else None
    show_name, contact = CONTACT.get(str(answers.get("reg_contact")), (False, False))
    return {
        "for_whom": "family" if answers.get("reg_for") == "family" else "self",
        "name": str(answers.get("reg_name") or ""),
        "kecamatan": kecamatan,
        "desa": desa,
        "desa_code": place.desa_code(desa) if place else "",
        "country": str(answers.get("reg_country") or "other"),
        "sector": str(answers.get("reg_sector") or "other"),
        "recruiter": recruiter,
        "recruiter_licence": licence,
        "recruiter_status": recruiter_status(data.agencies, licence, kind),
        "departure": departure_month(str(answers.get("reg_departure")), local_today(context.now)),
        "lang": context.lang,
        "show_name": show_name,
        "contact": contact,
    }


def details(fields: dict[str, Any], data: ContentData, lang: str) -> str:
    """The registration as the person reads it back."""
    labels, vocabulary = data.wording.of(WORDING, lang), data.vocabulary
    name = fields["name"] + (f" ({labels['family']})" if fields["for_whom"] == "family" else "")
    country, sector = fields["country"], fields["sector"]
    status = fields["recruiter_status"]
    recruiter = {
        "none": labels["none"],
        "individual": labels["individual"],
    }.get(status, fields["recruiter"] or "-")
    officers = (
        "show_both" if fields["show_name"] else "show_contact" if fields["contact"] else "show_none"
    )
    planned = fields["departure"]
    departure = f"{labels['by']} {planned:%m-%Y}" if planned else labels["unsure"]
    lines = [
        f"{labels['name']}: {name}",
        f"{labels['place']}: {fields['desa']}, Kec. {fields['kecamatan']}",
        f"{labels['country']}: "
        + (labels["other"] if country == "other" else vocabulary.country(country, lang)),
        f"{labels['sector']}: "
        + (labels["other"] if sector == "other" else vocabulary.sector(sector, lang)),
        f"{labels['recruiter']}: {recruiter}",
        f"{labels['departure']}: {departure}",
        f"{labels['officers']}: {labels[officers]}",
    ]
    return "\n".join(lines)


def warnings(fields: dict[str, Any], data: ContentData, lang: str) -> list[str]:
    """What the person must be told at once about their recruiter and destination."""
    assert data.checklist is not None
    found = [
        recruiter_warning(
            data.checklist,
            data.agencies,
            fields["recruiter_status"],
            fields["recruiter"],
            fields["recruiter_licence"],
            lang,
        )
    ]
    found += destination_warnings(data.checklist, fields["country"], fields["sector"], lang)
    return [text for text in found if text]


@action("planner_summary", required=("text",), check_args=check_args(texts=("text",)))
async def planner_summary(context: ActionContext) -> ActionResult:
    """The answers, for the person to check before they are saved."""
    fields = registration_fields(context)
    text = fill(
        pick(context.args["text"], context.lang),
        details=details(fields, context.data, context.lang),
    )
    return ActionResult(texts=[text])


@action(
    "planner_register",
    required=("saved",),
    check_args=check_args(texts=("saved",), needs=_needs_planner_data),
)
async def planner_register(context: ActionContext) -> ActionResult:
    """Save the plan with the turn (ticks made earlier are kept), and say at once what is
    wrong with the recruiter or the destination, then the first open step."""
    services, data, lang = context.needs_services(), context.data, context.lang
    assert data.checklist is not None
    fields = registration_fields(context)
    earlier = await services.store.registration(context.channel, context.user)
    steps = route(data.checklist, fields["country"], fields["sector"])
    current = first_open(steps, earlier.done if earlier else {})
    fields["current_step"] = current.id if current else ""
    saved = fill(
        pick(context.args["saved"], lang),
        total=len(steps),
        step=pick(current.title, lang) if current else context.words(WORDING)["all_done"],
    )
    effect = SaveRegistration(context.channel, context.user, fields)
    return ActionResult(texts=[*warnings(fields, data, lang), saved], effects=(effect,))


@action(
    "planner_overview",
    required=("text", "finished", "unregistered"),
    check_args=check_args(texts=("text", "finished"), needs=_needs_planner_data),
    links=("unregistered",),
)
async def planner_overview(context: ActionContext) -> ActionResult:
    """The registered plan, how far along it is, the next step, and the warnings that
    hold today (a recruiter's licence may have changed since). Without a registration (it
    was deleted), the consent screen (`unregistered`)."""
    services, data, lang = context.needs_services(), context.data, context.lang
    assert data.checklist is not None
    registration = await services.store.registration(context.channel, context.user)
    if registration is None:
        return ActionResult(goto=str(context.args["unregistered"]))
    fields = stored_fields(registration, data)
    steps = route(data.checklist, registration.country, registration.sector)
    current = first_open(steps, registration.done)
    text = fill(
        pick(context.args["text"], lang),
        details=details(fields, data, lang),
        done=sum(step.id in registration.done for step in steps),
        total=len(steps),
        next=pick(current.title, lang) if current else "-",
    )
    texts = [text, *warnings(fields, data, lang)]
    if current is None:
        texts.append(pick(context.args["finished"], lang))
    return ActionResult(texts=texts)


def stored_fields(registration: Registration, data: ContentData) -> dict[str, Any]:
    """A stored registration as registration fields, its recruiter's status read afresh."""
    kind = recruiter_kind(registration.recruiter_status)
    return {
        "for_whom": registration.for_whom,
        "name": registration.name,
        "kecamatan": registration.kecamatan,
        "desa": registration.desa,
        "country": registration.country,
        "sector": registration.sector,
        "recruiter": registration.recruiter,
        "recruiter_licence": registration.recruiter_licence,
        "recruiter_status": recruiter_status(data.agencies, registration.recruiter_licence, kind),
        "departure": registration.departure,
        "show_name": registration.show_name,
        "contact": registration.contact,
    }


@action(
    "planner_delete",
    required=("unregistered",),
    links=("unregistered",),
)
async def planner_delete(context: ActionContext) -> ActionResult:
    """Delete the registration made from this account, with the turn, and the answers
    that described it; without a registration, the consent screen (`unregistered`)."""
    services = context.needs_services()
    if await services.store.registration(context.channel, context.user) is None:
        return ActionResult(goto=str(context.args["unregistered"]))
    return ActionResult(
        effects=(DeleteRegistration(context.channel, context.user),),
        forget=tuple(key for key in context.answers if _describes_registration(key)),
    )


def _describes_registration(key: str) -> bool:
    """Whether an answer of the session belongs to the registration form."""
    return key.startswith(REGISTRATION_ANSWERS) or key.endswith("_typed")
