"""The officers' list of people who registered a plan to work abroad (`/calon` on Telegram;
the web console shows the same view): who has a licensed recruiter, who registered with an
unlicensed one, who is stuck at which step, and the counts by desa.

Channel-neutral: `candidate_view` builds the view from the registrations and the content;
`matching` picks and orders the people a filter asks for; `as_messages` writes the view as
plain-text messages within a channel's size limit. A name is shown only when the person allowed
officers to see it; an account or phone number never is: a person who allowed officers to write
has their registration's number instead (`CPMI-2026-00012`), to write to through the bot
(`bot.officers.relay`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.data import ContentData
from bot.effects import AuditLine
from bot.messages import Option, Reply
from bot.notices import REACHABLE_CHANNELS
from bot.officers.cards import PREFIX
from bot.officers.relay import REFERENCE
from bot.planner.progress import first_open, recruiter_kind, recruiter_status, route
from bot.records import Area, Registration
from bot.services import Services

TELEGRAM_TEXT = 4096
HIDDEN_NAME = "(nama tidak ditampilkan)"
RECRUITER_WORDS = {
    "active": "✅ P3MI aktif",
    "suspended": "⚠️ izin dibekukan",
    "revoked": "⛔ izin dicabut",
    "not_found": "⚠️ tidak ada di daftar P3MI",
    "unchecked": "⚠️ belum dipilih dari daftar P3MI",
    "individual": "⚠️ sponsor/calo",
    "none": "belum ada perekrut",
}
UNLICENSED = frozenset({"suspended", "revoked", "not_found", "unchecked", "individual"})
RECRUITER_GROUPS: dict[str, frozenset[str]] = {
    "licensed": frozenset({"active"}),
    "unlicensed": UNLICENSED,
    "none": frozenset({"none"}),
}
"""The recruiter filters of the lists: a group of recruiter statuses by its key."""
ANY_STEP = "*"
"""The step filter that keeps everyone stuck, at whichever step."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """One registered person as officers see them."""

    registration_id: int
    name: str  # HIDDEN_NAME unless the person allowed it
    named: bool  # the person allowed officers to see their name
    kecamatan: str
    desa: str
    country: str
    recruiter: str  # its status in words, with the name when there is one
    recruiter_name: str  # as registered ("" for none)
    recruiter_status: str
    done: int
    total: int
    next_step: str  # "" when every step is ticked
    open_days: int  # since the next step became the next one
    stuck: bool  # the next step has been open longer than the reminder time
    contact: bool  # officers may write through the bot
    ref: str = ""  # the number to write to ("" when they may not be written to)


@dataclass(frozen=True, slots=True)
class CandidateView:
    """The list of an area, and its counts."""

    area: Area
    candidates: list[Candidate]
    licensed: int
    unlicensed: int
    no_recruiter: int
    stuck_at: Counter[str] = field(default_factory=Counter)  # step title -> people stuck there
    by_desa: Counter[tuple[str, str]] = field(default_factory=Counter)


def candidate_view(
    registrations: list[Registration],
    data: ContentData,
    area: Area,
    now: datetime,
    stuck_after: timedelta,
) -> CandidateView:
    """The registrations of `area`, as officers see them, with the counts."""
    candidates = [
        _candidate(registration, data, now, stuck_after)
        for registration in registrations
        if area.covers(registration.kecamatan, registration.desa)
    ]
    statuses = Counter(candidate.recruiter_status for candidate in candidates)
    return CandidateView(
        area=area,
        candidates=candidates,
        licensed=statuses["active"],
        unlicensed=sum(statuses[status] for status in UNLICENSED),
        no_recruiter=statuses["none"],
        stuck_at=Counter(c.next_step for c in candidates if c.stuck and c.next_step),
        by_desa=Counter((c.kecamatan, c.desa) for c in candidates),
    )


def _candidate(
    registration: Registration, data: ContentData, now: datetime, stuck_after: timedelta
) -> Candidate:
    steps = (
        route(data.checklist, registration.country, registration.sector) if data.checklist else []
    )
    current = first_open(steps, registration.done)
    kind = recruiter_kind(registration.recruiter_status)
    status = recruiter_status(data.agencies, registration.recruiter_licence, kind)
    words = RECRUITER_WORDS.get(status, status)
    if registration.recruiter and status not in ("none", "individual"):
        words = f"{registration.recruiter} ({words})"
    open_for = now - registration.current_since
    return Candidate(
        registration_id=registration.id,
        name=registration.name if registration.show_name else HIDDEN_NAME,
        named=registration.show_name,
        kecamatan=registration.kecamatan,
        desa=registration.desa,
        country=data.vocabulary.country(registration.country, "id"),
        recruiter=words,
        recruiter_name=registration.recruiter,
        recruiter_status=status,
        done=sum(step.id in registration.done for step in steps),
        total=len(steps),
        next_step=current.title.get("id", "") if current else "",
        open_days=max(open_for.days, 0),
        stuck=current is not None and open_for > stuck_after,
        contact=registration.contact,
        ref=registration.ref if _writable(registration) else "",
    )


def _writable(registration: Registration) -> bool:
    """Whether officers may write to this person through the bot, and it can reach them."""
    return registration.contact and registration.channel in REACHABLE_CHANNELS


def as_messages(view: CandidateView, limit: int = TELEGRAM_TEXT) -> list[str]:
    """The view as plain-text messages of at most `limit` characters: the counts first,
    then one line per person, unlicensed recruiters and stuck people first."""
    area = view.area
    where = (
        f"Desa {area.desa}, Kec. {area.kecamatan}"
        if area.desa
        else f"Kec. {area.kecamatan}"
        if area.kecamatan
        else "Kabupaten Serang"
    )
    head = [
        f"👥 Calon pekerja migran terdaftar — {where}: {len(view.candidates)} orang",
        f"✅ perekrut P3MI aktif: {view.licensed}",
        f"⚠️ perekrut tidak berizin / calo: {view.unlicensed}",
        f"belum ada perekrut: {view.no_recruiter}",
    ]
    if view.stuck_at:
        head.append("Tertahan lama di langkah:")
        head += [f"  · {step}: {count}" for step, count in view.stuck_at.most_common()]
    if view.by_desa and not area.desa:
        head.append("Per desa:")
        head += [f"  · {desa} ({kec}): {n}" for (kec, desa), n in sorted(view.by_desa.items())]
    lines = [_line(candidate) for candidate in matching(view.candidates)]
    messages: list[str] = []
    current = ""
    for line in ["\n".join(head)[: limit - 1], *lines]:
        candidate = f"{current}\n\n{line}" if current else line
        if len(candidate) > limit:
            messages.append(current)
            current = line[:limit]
        else:
            current = candidate
    if current:
        messages.append(current)
    return messages


def matching(candidates: list[Candidate], recruiter: str = "", stuck: str = "") -> list[Candidate]:
    """The candidates whose recruiter is of the group `recruiter` (a RECRUITER_GROUPS key;
    "": any) and who are stuck at the step titled `stuck` (ANY_STEP: at any step; "":
    stuck or not); unlicensed recruiters first, then the people stuck, then by place."""
    group = RECRUITER_GROUPS.get(recruiter)
    chosen = [
        candidate
        for candidate in candidates
        if (group is None or candidate.recruiter_status in group)
        and (not stuck or (candidate.stuck and stuck in (ANY_STEP, candidate.next_step)))
    ]
    return sorted(
        chosen,
        key=lambda c: (c.recruiter_status not in UNLICENSED, not c.stuck, c.kecamatan, c.desa),
    )


def _line(candidate: Candidate) -> str:
    step = (
        f"berikutnya: {candidate.next_step} ({candidate.open_days} hari)"
        if candidate.next_step
        else "semua langkah selesai"
    )
    flag = "⏰ " if candidate.stuck else ""
    contact = f" · 💬 /tanya {candidate.ref}" if candidate.ref else ""
    return (
        f"{flag}{candidate.name} · Ds. {candidate.desa}, Kec. {candidate.kecamatan} · "
        f"{candidate.country}\n  langkah {candidate.done}/{candidate.total}, {step}\n"
        f"  perekrut: {candidate.recruiter}{contact}"
    )


def calon(
    officer_id: int,
    argument: str,
    registrations: list[Registration],
    data: ContentData,
    services: Services,
) -> tuple[list[Reply], AuditLine]:
    """`/calon [kecamatan]`: the list of the whole kabupaten, or of the kecamatan named
    (typed as people type it); the view leaves an audit line. The officers on Telegram work
    for the whole kabupaten today (config `officers`)."""
    area = Area()
    if argument.strip():
        kecamatan = data.wilayah.find(argument) if data.wilayah else None
        if kecamatan is None:
            usage = "Pakai: /calon (seluruh kabupaten) atau /calon KECAMATAN, misal /calon Cikande"
            return [Reply(usage)], AuditLine(officer_id, "candidates", "", "unknown area")
        area = Area(kecamatan.name)
    stuck_after = timedelta(days=services.planner_reminder_days)
    view = candidate_view(registrations, data, area, datetime.now(UTC), stuck_after)
    audit = AuditLine(
        officer_id, "candidates", "", f"{area.kecamatan or 'kabupaten'}: {len(view.candidates)}"
    )
    return [_with_buttons(text, view) for text in as_messages(view)], audit


def _with_buttons(text: str, view: CandidateView) -> Reply:
    """A message of the list, with a "💬" button for each person in it who may be written to."""
    writable = {candidate.ref for candidate in view.candidates if candidate.ref}
    refs = [ref for ref in dict.fromkeys(REFERENCE.findall(text)) if ref in writable]
    return Reply(text, tuple(Option(f"{PREFIX}:ask:{ref}", f"💬 {ref}") for ref in refs))
