"""What a turn changes besides the user's own session: effects, as plain data.

Actions and the officers' desk, in a turn, do not write to the database themselves. They
return effects, and the runtime hands them to the store together with the turn's session,
its replies and the answered update id, so one transaction writes the whole turn or none
of it (a crash at any point redoes the turn whole). (The hourly pruning and the urgent
reminders are not turns: they write through the store directly.) A report's number is
assigned only in that transaction: texts written before it name the report as
`REPORT_NUMBER`, which the commit replaces with the number in every message it queues, and
the runtime in the replies it returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from bot.messages import Reply
from bot.notices import Notice
from bot.records import Envelope

REPORT_NUMBER = "\ue000report-number\ue000"
"""Stands for the number of the report filed in the same turn (private-use characters:
nobody types them)."""


@dataclass(frozen=True, slots=True)
class FileReport:
    """File a report (or a question to the officers) once per `key`, with its photos, and
    queue the officers' messages about it. When officers' cards already wait in the queue, a
    further one is counted in a digest instead: `digest` and `urgent_digest` are its texts,
    with `{count}`. `facts` are what a checked advert named (contact numbers, accounts, the
    company, the country), kept so that officers see the same ones in several reports."""

    key: str
    fields: dict[str, Any]
    photos: tuple[str, ...]
    prefix: str
    cards: tuple[Envelope, ...] = ()
    digest: str = ""
    urgent_digest: str = ""
    facts: tuple[tuple[str, str], ...] = ()  # (kind, value) a checked advert named


@dataclass(frozen=True, slots=True)
class QueueMessages:
    """Messages to queue for other users or chats (an officer's chat, a reporter)."""

    envelopes: tuple[Envelope, ...]


@dataclass(frozen=True, slots=True)
class RelayToOfficers:
    """A reporter's answer to an officer: kept in the report's thread, and sent on."""

    ref: str
    text: str
    envelopes: tuple[Envelope, ...] = ()


@dataclass(frozen=True, slots=True)
class RelayToPerson:
    """An officer's message to the person behind `ref` (a reporter, or a registered person
    who allowed officers to write): kept in its thread and audited; the envelope, which
    opens the relay, is queued only while `ref` still belongs to that account and, for a
    registration, while writing is still allowed (they may have changed it meanwhile)."""

    ref: str
    officer_id: int
    text: str
    envelopes: tuple[Envelope, ...] = ()


@dataclass(frozen=True, slots=True)
class CloseRelay:
    """End the officer conversation of this user (they went back to the menu, or the
    report was closed)."""

    channel: str
    user: str


@dataclass(frozen=True, slots=True)
class ChangeReport:
    """An officer's action on a report: column changes, a note for its thread, and its
    audit line. With `expect_status`, the whole turn is refused (and done again on fresh
    data) if the report no longer has that status: two officers pressing "claim" at once.
    (A message to the reporter is `RelayToPerson`.)"""

    ref: str
    officer_id: int
    action: str
    changes: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    expect_status: str | None = None


@dataclass(frozen=True, slots=True)
class AuditLine:
    """One line of the append-only audit log (views, exports, refusals)."""

    officer_id: int
    action: str
    ref: str = ""
    detail: str = ""


@dataclass(frozen=True, slots=True)
class SetPrompt:
    """This officer's next message in this chat answers a prompt ("reply with your
    question")."""

    officer_id: int
    chat_id: int
    action: str
    ref: str


@dataclass(frozen=True, slots=True)
class ClearPrompt:
    """The officer's prompt in this chat was answered, cancelled or expired."""

    officer_id: int
    chat_id: int


@dataclass(frozen=True, slots=True)
class SendNotices:
    """Queue messages the bot sends without being asked (see `bot.notices`): a user who said
    "berhenti / stop" gets none, and a notice whose key this user was sent already is
    skipped; the delivery policy (quiet hours, WhatsApp's window) applies when each goes
    out."""

    notices: tuple[Notice, ...]


@dataclass(frozen=True, slots=True)
class Subscribe:
    """Subscribe a user to notices on `topic` ("country", "sector" or "kecamatan") about
    `value`; a user who had said "berhenti / stop" receives notices again."""

    channel: str
    user: str
    lang: str
    topic: str
    value: str


@dataclass(frozen=True, slots=True)
class StopNotices:
    """The user said "berhenti / stop": every subscription ends, notices waiting for them
    are dropped, and no notice reaches them until they subscribe again (a warning about
    their own registered plan still does). `tell`: the reply is to begin with what was
    stopped, if anything was (the stop word; a menu's "stop all" says so itself)."""

    channel: str
    user: str
    tell: bool = False


@dataclass(frozen=True, slots=True)
class SaveRegistration:
    """Register, or change, the plan of the person this account speaks for (one per
    account); the steps they ticked are kept. `fields` are the registration's columns."""

    channel: str
    user: str
    fields: dict[str, Any]


@dataclass(frozen=True, slots=True)
class SaveSteps:
    """The steps of the registered plan ticked so far, and the first one still open (it
    is open since now when it changed)."""

    channel: str
    user: str
    done: dict[str, str]  # step id -> date ticked
    current_step: str


@dataclass(frozen=True, slots=True)
class DeleteRegistration:
    """The person deleted their registration (the account's other data stays)."""

    channel: str
    user: str


@dataclass(frozen=True, slots=True)
class FollowedUp:
    """The follow-up pass reminded this registration of its open step, or warned it about
    its recruiter's licence status: remembered so that it is not repeated ("" unchanged).
    With a `notice_key`, remembered only if the notice of that key was queued in the same
    transaction (a stop, or a key sent before, drops it: then it was not told)."""

    registration_id: int
    reminded_step: str = ""
    warned_status: str = ""
    notice_key: str = ""


@dataclass(frozen=True, slots=True)
class AlertDraft:
    """An officer's alert waiting for their confirmation (`bot.officers.alerts`), under
    `key`; an empty `text` forgets it (it was sent)."""

    key: str
    officer_id: int
    target: str  # a kecamatan, or "" for every subscriber
    text: str


@dataclass(frozen=True, slots=True)
class CountCheck:
    """An offer or advert check concluded: counted by day, destination country (a code, ""
    when unknown), verdict and each red flag, for the officers' statistics. Anonymous: no
    user, no text."""

    tool: str  # "offer" or "advert"
    country: str
    verdict: str  # "ok", "caution" or "danger"
    flags: tuple[str, ...] = ()


Effect = (
    FileReport
    | QueueMessages
    | RelayToOfficers
    | RelayToPerson
    | CloseRelay
    | ChangeReport
    | AuditLine
    | SetPrompt
    | ClearPrompt
    | SendNotices
    | Subscribe
    | StopNotices
    | AlertDraft
    | SaveRegistration
    | SaveSteps
    | DeleteRegistration
    | FollowedUp
    | CountCheck
)


def name_report(replies: list[Reply], report: str) -> list[Reply]:
    """The replies with the number of the report their turn filed where they name it."""
    if not report:
        return replies
    return [replace(reply, text=reply.text.replace(REPORT_NUMBER, report)) for reply in replies]
