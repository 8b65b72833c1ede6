"""A person's route through the checklist, their next step, and what they must be warned
about: their recruiter's licence (from the P3MI registry, as the recruiter check reads it)
and their destination (the checklist's warnings)."""

from __future__ import annotations

import calendar
from datetime import date

from bot.actions.wording import day, fill
from bot.data.agencies import AgencyRegistry
from bot.data.checklist import Checklist, NoticeName, Step

WARNED_STATUSES = frozenset({"suspended", "revoked", "not_found", "unchecked", "individual"})
"""Recruiter statuses a person is warned about: the licence is not active, or none."""


def route(checklist: Checklist, country: str, sector: str) -> list[Step]:
    """The steps of one person's route, in order."""
    return checklist.steps_for(country, sector)


def first_open(steps: list[Step], done: dict[str, str]) -> Step | None:
    """The first step not ticked yet (None when every step is)."""
    return next((step for step in steps if step.id not in done), None)


def departure_month(months: str, today: date) -> date | None:
    """The last day of the month the person plans to leave in, `months` ahead (None when
    she does not know yet: "unknown")."""
    if not months.isdigit():
        return None
    ahead = int(months)
    month_index = today.month - 1 + ahead
    year, month = today.year + month_index // 12, month_index % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])


def recruiter_status(registry: AgencyRegistry, licence: str, kind: str) -> str:
    """What the registry says of the person's recruiter now: a licence status (active,
    suspended, revoked), "not_found" (a company not in, or gone from, the list),
    "unchecked" (a company like names in the list, none of them picked: kind
    "unchecked"), "individual" (a broker or sponsor) or "none"."""
    if kind in ("individual", "none"):
        return kind
    agency = registry.by_licence(licence) if licence else None
    if agency:
        return agency.status
    return "unchecked" if kind == "unchecked" else "not_found" if kind == "company" else "none"


def recruiter_kind(stored_status: str) -> str:
    """The kind of recruiter a stored status stands for (its `recruiter_status` kind)."""
    return stored_status if stored_status in ("none", "individual", "unchecked") else "company"


def recruiter_warning(
    checklist: Checklist,
    registry: AgencyRegistry,
    status: str,
    recruiter: str,
    licence: str,
    lang: str,
) -> str:
    """The warning about the recruiter's status ("" when its licence is active or there
    is none)."""
    if status not in WARNED_STATUSES:
        return ""
    agency = registry.by_licence(licence) if licence else None
    name: NoticeName = f"recruiter_{status}"  # type: ignore[assignment]
    return fill(
        checklist.notice(name, lang),
        recruiter=agency.name if agency else recruiter or "-",
        since=day(agency.status_date) if agency else "-",
    )


def destination_warnings(checklist: Checklist, country: str, sector: str, lang: str) -> list[str]:
    """What a person going to `country` for work in `sector` is told at once."""
    return [
        warning.text.get(lang) or warning.text.get("id", "")
        for warning in checklist.warnings_for(country, sector)
    ]
