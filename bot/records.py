"""Plain data that crosses the store's boundary, and the store's error.

The store takes these in and hands them out; the runtime, the actions, the officers'
desk and the channels use them without importing the store itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

OUTBOX_URGENT = -1  # officers' messages about urgent reports: before everything else
OUTBOX_REPLY = 0
OUTBOX_BULK = 1
DIGEST_AFTER = 5  # officers' cards already waiting: further ordinary reports go in a digest


class StoreError(Exception):
    """The database could not do what was asked (disk full, locked, read-only, corrupt)."""


class Conflict(StoreError):
    """A turn's change found the report changed since the turn read it (two officers pressed
    at once); nothing of the turn was written. `ref` names the report."""

    def __init__(self, ref: str) -> None:
        super().__init__(f"report {ref} changed meanwhile")
        self.ref = ref


class TelegramIdTaken(StoreError):
    """An officer account was to be linked to a Telegram id another account has; nothing
    of the change was written."""

    def __init__(self, telegram_id: int) -> None:
        super().__init__(f"Telegram id {telegram_id} is linked to another account")
        self.telegram_id = telegram_id


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One queued message: who it is for and what it says."""

    id: int
    user: str
    body: dict[str, Any]
    attempts: int


@dataclass(frozen=True, slots=True)
class InboxItem:
    """A platform event persisted before it was acknowledged, not yet processed."""

    update_id: str
    payload: str


@dataclass(frozen=True, slots=True)
class WhatsAppContact:
    """How to reach a WhatsApp user, when they last wrote, how many messages wait for them."""

    user_ref: str
    wa_id: str
    bsuid: str
    last_inbound_at: datetime
    held: int


@dataclass(frozen=True, slots=True)
class UnansweredQuestion:
    """A logged question as content authors read it (there is no user in it)."""

    text: str
    lang: str
    offered: tuple[str, ...]
    chosen: str
    asked_at: str


@dataclass(frozen=True, slots=True)
class Envelope:
    """A message to queue for one user on one channel; `relay_ref` opens an officer relay."""

    channel: str
    user: str
    body: dict[str, Any]
    relay_ref: str = ""
    priority: int | None = None  # None: the queue's default (a reply); OUTBOX_URGENT jumps ahead
    report_ref: str = ""  # an officers' card about this report (erased with its reporter)


@dataclass(frozen=True, slots=True)
class ReportMessage:
    """One line of a report's thread: officer question, reporter answer, or officer note."""

    direction: str  # "to_reporter", "from_reporter" or "note"
    author: str
    text: str
    created_at: str


@dataclass(frozen=True, slots=True)
class ReportRecord:
    """A report as stored, with its photos and thread."""

    id: int
    ref: str
    channel: str
    user: str
    anonymous: bool
    urgent: bool
    status: str
    outcome: str
    offer: str
    recruiter: str
    place: str
    kecamatan: str
    country: str
    name: str
    phone: str
    lang: str
    created_at: datetime
    claimed_by: int | None
    claimed_by_name: str
    photos: list[str]
    messages: list[ReportMessage]
    kind: str = "report"  # or "question": a question the bot could not answer
    desa: str = ""  # the desa in `kecamatan`, when the reporter named it


@dataclass(frozen=True, slots=True)
class Correspondent:
    """The person behind a number officers write to through the bot: the reporter of a
    report or question, or a registered person (`kind` "registration"). `user` is "" once
    their data is erased; `contact`: a registered person allowed officers to write (a
    reporter always may be asked, anonymous or not). Never shown to an officer."""

    ref: str
    kind: str  # "report", "question" or "registration"
    channel: str
    user: str
    lang: str
    status: str = ""  # a report's status
    contact: bool = True
    messages: tuple[ReportMessage, ...] = ()  # the thread with the officers, oldest first


@dataclass(frozen=True, slots=True)
class Area:
    """The part of Kabupaten Serang an officer works for: all of it (both empty), one
    kecamatan, or one desa in a kecamatan. Names compare without regard to case."""

    kecamatan: str = ""
    desa: str = ""

    def covers(self, kecamatan: str, desa: str = "") -> bool:
        """Whether a case from `kecamatan` / `desa` is in this area."""
        if self.kecamatan and self.kecamatan.casefold() != kecamatan.casefold():
            return False
        return not self.desa or self.desa.casefold() == desa.casefold()


@dataclass(frozen=True, slots=True)
class OfficerPrompt:
    """What an officer's next message answers: a question to a reporter or a note."""

    action: str  # "ask" or "note"
    ref: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Subscription:
    """One user's subscription to notices on a topic ("country", "sector", "kecamatan")
    about one value (kept in lower case), in the language they chose it in."""

    channel: str
    user: str
    lang: str
    topic: str
    value: str


@dataclass(frozen=True, slots=True)
class Registration:
    """A person who plans to work abroad, as registered (by themselves or, with their
    consent, by a relative), and how far along the official route they are. `user` is ""
    once the registration is anonymised (its retention ended)."""

    id: int
    channel: str
    user: str
    for_whom: str  # "self" or "family"
    name: str
    kecamatan: str
    desa: str
    country: str  # a vocabulary code, or "other"
    sector: str  # a vocabulary code, or "other"
    recruiter: str
    recruiter_licence: str
    recruiter_status: str  # active, suspended, revoked, not_found, individual, none
    departure: date | None  # the last day of the planned month; None: "belum tahu"
    lang: str
    show_name: bool  # officers may see the name
    contact: bool  # officers may write to the person through the bot
    done: dict[str, str]  # step id -> the date it was ticked
    current_step: str  # the first step not done ("" when all are)
    current_since: datetime
    reminded_step: str = ""
    reminded_at: datetime | None = None
    warned_status: str = ""
    created_at: datetime | None = None
    desa_code: str = ""
    ref: str = ""  # its number (CPMI-2026-00012): officers write to the person by it


@dataclass(frozen=True, slots=True)
class AlertDraftRecord:
    """An officer's alert between its preview and their confirmation."""

    key: str
    officer_id: int
    target: str  # a kecamatan, or "" for every subscriber
    text: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class OfficerAccount:
    """An officer's account on the web console. `role` is as written on the command line
    ("kabupaten", "kecamatan:<name>", "desa:<kecamatan>/<desa>", "admin"); the password hash
    and the TOTP secret never leave the store except for a sign-in (`SignInSecrets`)."""

    id: int
    username: str
    role: str
    telegram_id: int | None
    disabled: bool
    totp_required: bool
    failed_sign_ins: int
    locked_until: datetime | None


@dataclass(frozen=True, slots=True)
class SignInSecrets:
    """What a sign-in checks: the account, its argon2 hash, its TOTP secret ("": none) and
    the time step of the last code accepted (0: none), which no code may reuse."""

    account: OfficerAccount
    password_hash: str
    totp_secret: str
    totp_last_step: int = 0


@dataclass(frozen=True, slots=True)
class ReportQuery:
    """A filtered page of the officers' queue. `area` limits it to what the officer may
    see; questions (which have no place) only come with `questions`. `status` is one of
    "open", "received", "claimed", "closed" or "" (all); dates are UTC, `until` exclusive."""

    area: Area = Area()
    questions: bool = False
    status: str = ""
    urgent: bool | None = None
    kind: str = ""  # "report", "question" or "" (both)
    kecamatan: str = ""
    country: str = ""
    since: datetime | None = None
    until: datetime | None = None
    text: str = ""
    offset: int = 0
    limit: int = 50


@dataclass(frozen=True, slots=True)
class ReportPage:
    """One page of a `ReportQuery`: the reports, how many match in all, the counts by
    status (of the filters other than status), the countries named in the area (for the
    filter) and a stamp that changes when a report in the area arrives or changes."""

    reports: list[ReportRecord]
    total: int
    by_status: dict[str, int]
    countries: list[str]
    stamp: str
