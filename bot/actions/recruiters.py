"""Checking a recruiter against the P3MI registry: `recruiter_search` and `recruiter_detail`.

The search offers the best matches as choices, each with its licence status; the
detail shows what the registry says about one agency and what to do. Neither
claims more than the registry shows: every answer names the list and its date.
"""

from __future__ import annotations

from bot.actions import ActionContext, ActionResult, action, wording_needs
from bot.actions.wording import check_args, day, fill, pick, sample_note, short_label
from bot.data import ContentData
from bot.data.agencies import Agency, AgencyRegistry

WORDING = wording_needs(
    __name__,
    *("active", "suspended", "revoked", "since", "licence", "status", "head_office"),
    *("branches", "phone", "gone"),
    registry=("date", "source"),
)
"""A company's status, the labels of its detail, and the line naming the list."""
ICONS = {"active": "✅", "suspended": "⚠️", "revoked": "⛔"}


def _needs_registry(data: ContentData) -> str | None:
    return None if data.agencies.loaded else "needs the registry content/data/agencies.csv"


def status_text(agency: Agency, data: ContentData, lang: str) -> str:
    """'✅ aktif', or '⛔ dicabut sejak 15-09-2025' for a status that changed."""
    labels = data.wording.of(WORDING, lang)
    if agency.status == "active":
        return labels["active"]
    return f"{labels[agency.status]} {labels['since']} {day(agency.status_date)}"


def registry_footer(data: ContentData, lang: str) -> str:
    """Whose list this is and how current, plus the sample notice when it is sample data."""
    registry = data.agencies
    line = fill(
        data.wording.of(WORDING, lang)["registry"], date=day(registry.as_of), source=registry.source
    )
    return f"{line}\n{sample_note(lang)}" if registry.sample else line


def button_label(registry: AgencyRegistry, agency: Agency) -> str:
    """The status icon and the telling part of the name, short enough for a list row."""
    return short_label(f"{ICONS[agency.status]} {registry.short_name(agency)}")


@action(
    "recruiter_search",
    required=("query_from", "save", "found", "similar", "not_found", "pick"),
    check_args=check_args(
        answers=("query_from", "save"),
        texts=("found", "similar", "not_found", "pick"),
        needs=_needs_registry,
    ),
    offers_choices=True,
)
async def recruiter_search(context: ActionContext) -> ActionResult:
    """Find what the user typed (name, part of it, or licence number) in the registry."""
    args, lang, registry = context.args, context.lang, context.data.agencies
    query = str(context.answers.get(args["query_from"]) or "").strip()
    matches = registry.search(query) if query else []
    footer = registry_footer(context.data, lang)
    if not matches:
        text = fill(pick(args["not_found"], lang), query=query, date=day(registry.as_of))
        return ActionResult(texts=[text, footer])
    intro = pick(args["found" if matches[0].exact else "similar"], lang)
    lines = [
        f"{number}. *{match.agency.name}*\n    {status_text(match.agency, context.data, lang)}"
        f" · {context.words(WORDING)['licence']}: {match.agency.licence}"
        for number, match in enumerate(matches, 1)
    ]
    return ActionResult(
        texts=[fill(intro, query=query), "\n".join(lines), pick(args["pick"], lang), footer],
        choices=[(button_label(registry, m.agency), m.agency.licence) for m in matches],
        save=args["save"],
    )


@action(
    "recruiter_detail",
    required=("pick_from", "active", "suspended", "revoked"),
    check_args=check_args(
        answers=("pick_from",),
        texts=("active", "suspended", "revoked"),
        needs=_needs_registry,
    ),
)
async def recruiter_detail(context: ActionContext) -> ActionResult:
    """What the registry says about the picked agency, and what to do given its status."""
    lang, registry = context.lang, context.data.agencies
    licence = context.answers.get(context.args["pick_from"])
    agency = registry.by_licence(licence) if isinstance(licence, str) else None
    if agency is None:
        return ActionResult(texts=[context.words(WORDING)["gone"]], failed=True)
    labels = context.words(WORDING)
    lines = [
        f"*{agency.name}*",
        f"{labels['licence']}: {agency.licence}",
        f"{labels['status']}: {status_text(agency, context.data, lang)}",
        f"{labels['head_office']}: {agency.head_office}",
    ]
    if agency.branches:
        lines.append(f"{labels['branches']}: {'; '.join(agency.branches)}")
    if agency.phone:
        lines.append(f"{labels['phone']}: {agency.phone}")
    advice = fill(
        pick(context.args[agency.status], lang),
        name=agency.name,
        since=day(agency.status_date),
        date=day(registry.as_of),
    )
    return ActionResult(
        texts=["\n".join(lines), advice, registry_footer(context.data, lang)],
        answers={"recruiter_name": agency.name},
    )
