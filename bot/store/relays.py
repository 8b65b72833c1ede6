"""The relay between officers and the people they write to, inside a turn's transaction.

A number officers write to is a report's (`SRG-2026-00042`: its reporter) or a
registration's (`CPMI-2026-00012`: a person who plans to work abroad). Both go through the
same `relays` table (the person's next messages go to the officers), the same outbox and
the same rules; only their thread lives with each: `report_messages` or
`registration_messages`.
"""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from bot.effects import RelayToPerson
from bot.records import Correspondent, ReportMessage
from bot.store.rows import queue_envelopes

REGISTRATION = "registration"
AUDIT_ACTIONS = {REGISTRATION: "to_registrant"}  # a report or question: "to_reporter"


def correspondent(db: sqlite_utils.Database, ref: str) -> Correspondent | None:
    """Who is behind `ref`, with their thread; None for a number nobody has (any more: a
    registration deleted by "hapus data" is gone)."""
    row = db.execute(
        "SELECT id, kind, channel, user_ref, lang, status FROM reports WHERE ref = ?", [ref]
    ).fetchone()
    if row:
        report_id, kind, channel, user, lang, status = row
        messages = _thread(db, "report_messages", "report_id", report_id)
        return Correspondent(ref, kind, channel or "", user or "", lang, status, True, messages)
    row = db.execute(
        "SELECT id, channel, user_ref, lang, contact FROM registrations WHERE ref = ?", [ref]
    ).fetchone()
    if row is None:
        return None
    registration_id, channel, user, lang, contact = row
    messages = _thread(db, "registration_messages", "registration_id", registration_id)
    return Correspondent(
        ref, REGISTRATION, channel or "", user or "", lang or "id", "", bool(contact), messages
    )


def add_message(
    db: sqlite_utils.Database, ref: str, direction: str, author: str, text: str, now: datetime
) -> None:
    """One more line in the thread of `ref` (a report's, or a registration's)."""
    for table, owner, owners in (
        ("report_messages", "report_id", "reports"),
        ("registration_messages", "registration_id", "registrations"),
    ):
        db.execute(
            f"INSERT INTO {table} ({owner}, direction, author, text, created_at) "
            f"SELECT id, ?, ?, ?, ? FROM {owners} WHERE ref = ?",
            [direction, author, text, now.isoformat(), ref],
        )


def relay_to_person(db: sqlite_utils.Database, effect: RelayToPerson, now: datetime) -> str:
    """An officer's message: kept in the thread, and queued only to the account still
    behind the number and, for a registration, only while the person allows officers to
    write. Returns the action its audit line names ("to_reporter", "to_registrant")."""
    person = correspondent(db, effect.ref)
    if person is not None:
        add_message(db, effect.ref, "to_reporter", str(effect.officer_id), effect.text, now)
    if person is not None and person.user and person.contact:
        mine = (person.channel, person.user)
        queue_envelopes(db, [e for e in effect.envelopes if (e.channel, e.user) == mine], now)
    return AUDIT_ACTIONS.get(person.kind if person else REGISTRATION, "to_reporter")


def _thread(
    db: sqlite_utils.Database, table: str, owner: str, owner_id: int
) -> tuple[ReportMessage, ...]:
    rows = db.execute(
        f"SELECT direction, author, text, created_at FROM {table} WHERE {owner} = ? ORDER BY id",
        [owner_id],
    ).fetchall()
    return tuple(ReportMessage(*row) for row in rows)
