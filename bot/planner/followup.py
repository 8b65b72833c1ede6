"""Which reminders and warnings about registered plans are due now.

- A step left open for `remind_after` gets one gentle reminder (once per step: the next
  step gets its own when it has waited as long).
- A recruiter whose licence became suspended or revoked (or that left the P3MI registry)
  since the person was last told gets a warning at once; a licence that is active again
  is remembered quietly, so that a later suspension is told again.

The decisions are notices (`bot.notices.Notice`, sent under the delivery policy) and
`FollowedUp` effects that remember them, each only if its notice was queued (a reminder
to someone who said stop is not remembered as told); keys make a repeated pass harmless.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.actions.wording import fill
from bot.data import ContentData
from bot.effects import FollowedUp
from bot.notices import REACHABLE_CHANNELS, Notice
from bot.planner.progress import WARNED_STATUSES, first_open, recruiter_status, recruiter_warning
from bot.planner.progress import route as planned_route
from bot.records import Registration


def follow_up(
    registrations: list[Registration], data: ContentData, now: datetime, remind_after: timedelta
) -> tuple[list[Notice], list[FollowedUp]]:
    """The notices due now for these registrations, and what to remember of them."""
    notices: list[Notice] = []
    remembered: list[FollowedUp] = []
    if data.checklist is None:
        return notices, remembered
    for registration in registrations:
        if not registration.user or registration.channel not in REACHABLE_CHANNELS:
            continue
        warning = _recruiter_change(registration, data)
        if warning is not None:
            status, text, since = warning
            key = _key(registration, "recruiter", status, since) if text else ""
            if text:
                notices.append(_notice(registration, "warning", text, key))
            remembered.append(FollowedUp(registration.id, warned_status=status, notice_key=key))
        reminder = _reminder(registration, data, now, remind_after)
        if reminder:
            step_id, text = reminder
            key = _key(registration, "step", step_id, registration.current_since.date().isoformat())
            notices.append(_notice(registration, "reminder", text, key))
            remembered.append(FollowedUp(registration.id, reminded_step=step_id, notice_key=key))
    return notices, remembered


def _key(registration: Registration, *parts: str) -> str:
    """A notice's key: the registration's number (never given twice, unlike its id) and
    what changed (a licence status and its date, a step and since when it is open), so a
    second suspension, or a new registration, is told again."""
    number = registration.ref or f"id{registration.id}"  # registered before numbers
    return ":".join(("plan", number, *parts))


def _notice(registration: Registration, kind: str, text: str, key: str) -> Notice:
    return Notice(registration.channel, registration.user, registration.lang, kind, text, key)


def _recruiter_change(registration: Registration, data: ContentData) -> tuple[str, str, str] | None:
    """(the recruiter's status now, the warning to send or "", the date of that status, or
    of the registry for a licence gone from it) when it changed since the person was last
    told; None when nothing changed."""
    if not registration.recruiter_licence:
        return None
    status = recruiter_status(data.agencies, registration.recruiter_licence, "company")
    if status == registration.warned_status:
        return None
    assert data.checklist is not None
    agency = data.agencies.by_licence(registration.recruiter_licence)
    since = agency.status_date if agency else data.agencies.as_of
    text = ""
    if status in WARNED_STATUSES:
        text = recruiter_warning(
            data.checklist,
            data.agencies,
            status,
            registration.recruiter,
            registration.recruiter_licence,
            registration.lang,
        )
    return status, text, since.isoformat() if since else ""


def _reminder(
    registration: Registration, data: ContentData, now: datetime, remind_after: timedelta
) -> tuple[str, str] | None:
    """(the open step, the reminder) when the first open step has waited `remind_after`
    and was not reminded of yet."""
    checklist = data.checklist
    assert checklist is not None
    steps = planned_route(checklist, registration.country, registration.sector)
    current = first_open(steps, registration.done)
    if current is None or registration.reminded_step == current.id:
        return None
    if now - registration.current_since < remind_after:  # no progress for that long
        return None
    lang = registration.lang
    text = fill(
        checklist.notice("reminder", lang),
        name=registration.name or "-",
        number=steps.index(current) + 1,
        total=len(steps),
        step=current.title.get(lang) or current.title.get("id", ""),
    )
    return current.id, text
