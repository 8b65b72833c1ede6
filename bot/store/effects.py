"""Writing a turn's effects (see `bot.effects`) inside the turn's transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime

import sqlite_utils

from bot.effects import (
    REPORT_NUMBER,
    AlertDraft,
    AuditLine,
    ChangeReport,
    ClearPrompt,
    CloseRelay,
    CountCheck,
    Effect,
    FileReport,
    FollowedUp,
    QueueMessages,
    RelayToOfficers,
    RelayToPerson,
    SendNotices,
    SetPrompt,
    StopNotices,
    Subscribe,
)
from bot.records import DIGEST_AFTER, OUTBOX_REPLY, OUTBOX_URGENT, Conflict, Envelope
from bot.store.registrations import RegistrationEffect, apply_registration
from bot.store.relays import add_message, relay_to_person
from bot.store.rows import queue_envelopes, to_json
from bot.store.subscriptions import (
    queue_notices,
    save_alert_draft,
    stop_notices,
    subscribe,
)

OFFICER_COLUMNS = frozenset(
    {"status", "outcome", "claimed_by", "claimed_by_name", "claimed_at", "closed_at"}
)
"""Report columns an officer action may change."""


def apply_effects(db: sqlite_utils.Database, effects: list[Effect], now: datetime) -> Filed:
    """Write every effect; returns the report filed, if any. Raises `Conflict` (the
    caller's transaction is rolled back) when an officer's change finds the report changed
    since it was read."""
    report, new = "", False
    queued: set[str] = set()  # the keys of the notices queued so far
    filings = [effect for effect in effects if isinstance(effect, FileReport)]
    assert len(filings) <= 1, "one report per turn: REPORT_NUMBER names it"
    for filing in filings:  # first: the other effects' texts may name its number
        report, new = _file_report(db, filing, now)
    for effect in effects:
        if isinstance(effect, QueueMessages):
            queue_envelopes(db, with_report_number(list(effect.envelopes), report), now)
        elif isinstance(effect, RelayToOfficers):
            add_message(db, effect.ref, "from_reporter", "reporter", effect.text, now)
            queue_envelopes(db, with_report_number(list(effect.envelopes), report), now)
        elif isinstance(effect, RelayToPerson):  # the text stays in the thread, not here
            action, detail = relay_to_person(db, effect, now), f"{len(effect.text)} characters"
            audit_line(db, effect.officer_id, action, effect.ref, detail, now)
        elif isinstance(effect, CloseRelay):
            db.execute(
                "DELETE FROM relays WHERE channel = ? AND user_ref = ?",
                [effect.channel, effect.user],
            )
        elif isinstance(effect, ChangeReport):
            _change_report(db, effect, now)
        elif isinstance(effect, AuditLine):
            audit_line(db, effect.officer_id, effect.action, effect.ref, effect.detail, now)
        elif isinstance(effect, SetPrompt):
            db.execute(
                "INSERT OR REPLACE INTO officer_prompts VALUES (?, ?, ?, ?, ?)",
                [effect.officer_id, effect.chat_id, effect.action, effect.ref, now.isoformat()],
            )
        elif isinstance(effect, ClearPrompt):
            db.execute(
                "DELETE FROM officer_prompts WHERE officer_id = ? AND chat_id = ?",
                [effect.officer_id, effect.chat_id],
            )
        elif isinstance(effect, Subscribe):
            subscribe(db, effect, now)
        elif isinstance(effect, StopNotices):
            stop_notices(db, effect, now)
        elif isinstance(effect, AlertDraft):
            save_alert_draft(db, effect, now)
        elif isinstance(effect, SendNotices):  # in the turn's order: a stop before it holds
            queued.update(n.key for n in queue_notices(db, list(effect.notices), now))
        elif isinstance(effect, FollowedUp) and effect.notice_key:
            if effect.notice_key in queued:  # told now: remembered; otherwise asked again
                apply_registration(db, effect, now)
            continue  # its notice was not queued: not told, so not remembered
        elif isinstance(effect, RegistrationEffect):
            apply_registration(db, effect, now)
        elif isinstance(effect, CountCheck):
            _count_check(db, effect, now)
    return Filed(report, new)


@dataclass(frozen=True, slots=True)
class Filed:
    """The report a turn filed: its number ("" if none), and whether it is new (the web
    chat may send the same answers twice: the report is filed once)."""

    report: str = ""
    new: bool = False


def with_report_number(envelopes: list[Envelope], report: str) -> list[Envelope]:
    """The envelopes with the filed report's number where their text names it."""
    if not report:
        return envelopes
    return [
        replace(envelope, body=json.loads(to_json(envelope.body).replace(REPORT_NUMBER, report)))
        if REPORT_NUMBER in to_json(envelope.body)
        else envelope
        for envelope in envelopes
    ]


def audit_line(
    db: sqlite_utils.Database, officer_id: int, action: str, ref: str, detail: str, now: datetime
) -> None:
    """Append one line to the audit log."""
    db.execute(
        "INSERT INTO audit_log (at, officer_id, action, report_ref, detail) VALUES (?, ?, ?, ?, ?)",
        [now.isoformat(), officer_id, action, ref, detail],
    )


def _file_report(db: sqlite_utils.Database, effect: FileReport, now: datetime) -> tuple[str, bool]:
    """Insert the report and its photos and queue the officers' cards; once per key: a
    report filed already (the web chat sent the same answers again) is only named."""
    existing = db.execute(
        "SELECT ref FROM reports WHERE idempotency_key = ?", [effect.key]
    ).fetchone()
    if existing:
        return str(existing[0]), False
    fields = effect.fields
    year_prefix = f"{effect.prefix}-{now.year}-"
    last = db.execute(  # compared as numbers: "...-99999" < "...-100000"
        "SELECT MAX(CAST(substr(ref, ?) AS INTEGER)) FROM reports WHERE ref LIKE ?",
        [len(year_prefix) + 1, year_prefix + "%"],
    ).fetchone()[0]
    ref = f"{year_prefix}{(last or 0) + 1:05d}"
    report_id = db.execute(
        "INSERT INTO reports (ref, idempotency_key, channel, user_ref, anonymous, urgent, "
        "status, offer, recruiter, place, kecamatan, desa, country, name, phone, lang, "
        "created_at, kind) "
        "VALUES (?, ?, ?, ?, ?, ?, 'received', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            ref,
            effect.key,
            fields["channel"],
            fields["user"],
            int(fields["anonymous"]),
            int(fields["urgent"]),
            fields["offer"],
            fields["recruiter"],
            fields["place"],
            fields["kecamatan"],
            fields.get("desa", ""),
            fields["country"],
            fields["name"],
            fields["phone"],
            fields["lang"],
            now.isoformat(),
            fields.get("kind", "report"),
        ],
    ).lastrowid
    db.conn.executemany(
        "INSERT INTO report_media (report_id, path) VALUES (?, ?)",
        [(report_id, path) for path in effect.photos],
    )
    db.conn.executemany(
        "INSERT OR IGNORE INTO report_facts (report_id, kind, value) VALUES (?, ?, ?)",
        [(report_id, kind, value) for kind, value in effect.facts if value],
    )
    cards = with_report_number(list(effect.cards), ref)
    _notify_officers(db, effect, ref, bool(fields["urgent"]), cards, now)
    return ref, True


def _notify_officers(
    db: sqlite_utils.Database,
    effect: FileReport,
    ref: str,
    urgent: bool,
    envelopes: list[Envelope],
    now: datetime,
) -> None:
    """Queue a new report's card for the officers. An urgent one jumps the queue; when cards
    are already waiting (many reports at once, or an attack), a further ordinary report is
    counted in one digest message instead of adding its own card and photos."""
    if not envelopes:
        return
    priority = OUTBOX_URGENT if urgent else OUTBOX_REPLY
    envelopes = [replace(e, priority=priority, report_ref=ref) for e in envelopes]
    chat = envelopes[0]
    condition = "< 0" if urgent else ">= 0"
    waiting = db.execute(
        "SELECT COUNT(*) FROM outbox WHERE channel = ? AND user_ref = ? AND status = 'pending' "
        f"AND priority {condition} AND report_ref IS NOT NULL",
        [chat.channel, chat.user],
    ).fetchone()[0]
    if waiting < DIGEST_AFTER:  # urgent ones are counted apart: a flood of fake "urgent"
        queue_envelopes(db, envelopes, now)  # reports gets its own digest, before everything
        return
    kind = "urgent" if urgent else "digest"
    digest = db.execute(
        "SELECT id, body FROM outbox WHERE channel = ? AND user_ref = ? AND status = 'pending' "
        "AND report_ref IS NULL AND body LIKE ? ORDER BY id DESC LIMIT 1",
        [chat.channel, chat.user, f'%"{kind}"%'],
    ).fetchone()
    count = json.loads(digest[1]).get(kind, 0) + 1 if digest else 1
    text = (effect.urgent_digest if urgent else effect.digest).format(count=count)
    body = {"text": text, kind: count}
    if digest:
        db.execute("UPDATE outbox SET body = ? WHERE id = ?", [to_json(body), digest[0]])
    else:
        queue_envelopes(db, [Envelope(chat.channel, chat.user, body, priority=priority)], now)


def _count_check(db: sqlite_utils.Database, effect: CountCheck, now: datetime) -> None:
    """One more check of this day, country and verdict, and one more of each of its flags."""
    day = now.date().isoformat()
    for flag in ("", *dict.fromkeys(effect.flags)):
        db.execute(
            "INSERT INTO check_counts VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT (day, tool, "
            "country, verdict, flag) DO UPDATE SET count = count + 1",
            [day, effect.tool, effect.country, effect.verdict, flag],
        )


def _change_report(db: sqlite_utils.Database, effect: ChangeReport, now: datetime) -> None:
    """An officer's action: changes, a note, messages, the audit line (never missing one)."""
    row = db.execute("SELECT id, status FROM reports WHERE ref = ?", [effect.ref]).fetchone()
    if row is None or (effect.expect_status and row[1] != effect.expect_status):
        raise Conflict(effect.ref)
    if effect.changes:
        assert set(effect.changes) <= OFFICER_COLUMNS, effect.changes
        assignments = ", ".join(f"{column} = ?" for column in effect.changes)
        db.execute(
            f"UPDATE reports SET {assignments} WHERE ref = ?",
            [*effect.changes.values(), effect.ref],
        )
    if effect.note:
        add_message(db, effect.ref, effect.action, str(effect.officer_id), effect.note, now)
    # the text itself stays with the report (and goes with its retention), not here: the
    # audit log is append-only and kept for good
    detail = f"{len(effect.note)} characters" if effect.note else ""
    audit_line(db, effect.officer_id, effect.action, effect.ref, detail, now)
