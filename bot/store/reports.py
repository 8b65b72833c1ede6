"""Reports: filing (with the officers' notifications), reading, statistics."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

import sqlite_utils

from bot.records import (
    DIGEST_AFTER,
    OUTBOX_REPLY,
    OUTBOX_URGENT,
    Envelope,
    ReportMessage,
    ReportRecord,
)
from bot.store.database import Database
from bot.store.rows import (
    queue_envelopes,
    to_json,
)

DIGEST_TEXT = (
    "📥 {count} laporan baru lagi masuk bersamaan dan tidak ditampilkan satu per satu. "
    "Ketik /queue untuk melihat daftarnya (mendesak paling atas)."
)
URGENT_DIGEST_TEXT = (
    "🚨 {count} laporan MENDESAK lagi masuk bersamaan dan tidak ditampilkan satu per satu. "
    "Ketik /queue untuk melihatnya."
)


class ReportStore(Database):
    """Reports and questions to the officers."""

    async def file_report(
        self,
        key: str,
        fields: dict[str, Any],
        photos: list[str],
        now: datetime,
        prefix: str,
        notify: Callable[[ReportRecord], list[Envelope]],
    ) -> tuple[ReportRecord, bool]:
        """Commit a report, its photos and the officers' notifications in one transaction.

        `key` makes filing idempotent: a redelivered message finds the report it
        already filed (second value False) and queues nothing again.
        """

        def write(db: sqlite_utils.Database) -> tuple[ReportRecord, bool]:
            existing = db.execute(
                "SELECT ref FROM reports WHERE idempotency_key = ?", [key]
            ).fetchone()
            if existing:
                return read_report(db, existing[0]), False
            year_prefix = f"{prefix}-{now.year}-"
            last = db.execute(  # compared as numbers: "...-99999" < "...-100000"
                "SELECT MAX(CAST(substr(ref, ?) AS INTEGER)) FROM reports WHERE ref LIKE ?",
                [len(year_prefix) + 1, year_prefix + "%"],
            ).fetchone()[0]
            ref = f"{year_prefix}{(last or 0) + 1:05d}"
            report_id = db.execute(
                "INSERT INTO reports (ref, idempotency_key, channel, user_ref, anonymous, urgent, "
                "status, offer, recruiter, place, kecamatan, country, name, phone, lang, "
                "created_at, kind) "
                "VALUES (?, ?, ?, ?, ?, ?, 'received', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    ref,
                    key,
                    fields["channel"],
                    fields["user"],
                    int(fields["anonymous"]),
                    int(fields["urgent"]),
                    fields["offer"],
                    fields["recruiter"],
                    fields["place"],
                    fields["kecamatan"],
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
                [(report_id, path) for path in photos],
            )
            record = read_report(db, ref)
            _notify_officers(db, record, notify(record), now)
            return record, True

        return await self._call(write)

    async def has_report(self, key: str) -> bool:
        """Whether a report with this idempotency key was filed (a redelivered message)."""
        return await self._call(
            lambda db: (
                db.execute("SELECT 1 FROM reports WHERE idempotency_key = ?", [key]).fetchone()
                is not None
            )
        )

    async def reports_since(self, channel: str, user: str, since: datetime) -> int:
        """How many reports (and questions) this user filed since `since`."""
        return await self._call(
            lambda db: db.execute(
                "SELECT COUNT(*) FROM reports WHERE channel = ? AND user_ref = ? AND "
                "created_at >= ?",
                [channel, user, since.isoformat()],
            ).fetchone()[0]
        )

    async def report(self, ref: str) -> ReportRecord | None:
        """A report with its photos and messages, by reference number."""
        return await self._call(lambda db: read_report(db, ref))

    async def open_reports(self, limit: int = 20) -> list[ReportRecord]:
        """Reports not yet closed: urgent first, then oldest first."""

        def read(db: sqlite_utils.Database) -> list[ReportRecord]:
            refs = db.execute(
                "SELECT ref FROM reports WHERE status != 'closed' ORDER BY urgent DESC, id LIMIT ?",
                [limit],
            ).fetchall()
            return [read_report(db, ref) for (ref,) in refs]

        return await self._call(read)

    async def export_reports(self, start: datetime, end: datetime) -> list[ReportRecord]:
        """Reports filed in [start, end), oldest first."""

        def read(db: sqlite_utils.Database) -> list[ReportRecord]:
            refs = db.execute(
                "SELECT ref FROM reports WHERE created_at >= ? AND created_at < ? ORDER BY id",
                [start.isoformat(), end.isoformat()],
            ).fetchall()
            return [read_report(db, ref) for (ref,) in refs]

        return await self._call(read)

    async def report_stats(self) -> dict[str, list[tuple[str, int]]]:
        """Counts of reports by status, by kecamatan and by ISO week (no personal data)."""

        def read(db: sqlite_utils.Database) -> dict[str, list[tuple[str, int]]]:
            queries = {  # questions to officers are counted apart from reports
                "status": "SELECT status, COUNT(*) FROM reports WHERE kind = 'report' "
                "GROUP BY status ORDER BY status",
                "kecamatan": "SELECT COALESCE(NULLIF(kecamatan, ''), place), COUNT(*) FROM "
                "reports WHERE kind = 'report' GROUP BY 1 ORDER BY 2 DESC, 1",
                "week": "SELECT strftime('%Y-W%W', created_at), COUNT(*) FROM reports "
                "WHERE kind = 'report' GROUP BY 1 ORDER BY 1 DESC LIMIT 8",
                "questions": "SELECT status, COUNT(*) FROM reports WHERE kind = 'question' "
                "GROUP BY status ORDER BY status",
            }
            return {
                name: [(str(key), count) for key, count in db.execute(sql).fetchall()]
                for name, sql in queries.items()
            }

        return await self._call(read)


def read_report(db: sqlite_utils.Database, ref: str) -> ReportRecord | None:
    row = db.execute(
        "SELECT id, ref, channel, user_ref, anonymous, urgent, status, outcome, offer, recruiter, "
        "place, kecamatan, country, name, phone, lang, created_at, claimed_by, claimed_by_name, "
        "kind FROM reports WHERE ref = ?",
        [ref],
    ).fetchone()
    if row is None:
        return None
    photos = [
        path
        for (path,) in db.execute(
            "SELECT path FROM report_media WHERE report_id = ? ORDER BY id", [row[0]]
        ).fetchall()
    ]
    messages = [
        ReportMessage(*message)
        for message in db.execute(
            "SELECT direction, author, text, created_at FROM report_messages WHERE report_id = ? "
            "ORDER BY id",
            [row[0]],
        ).fetchall()
    ]
    return ReportRecord(
        id=row[0],
        ref=row[1],
        channel=row[2] or "",
        user=row[3] or "",
        anonymous=bool(row[4]),
        urgent=bool(row[5]),
        status=row[6],
        outcome=row[7] or "",
        offer=row[8] or "",
        recruiter=row[9] or "",
        place=row[10] or "",
        kecamatan=row[11] or "",
        country=row[12] or "",
        name=row[13] or "",
        phone=row[14] or "",
        lang=row[15] or "id",
        created_at=datetime.fromisoformat(row[16]),
        claimed_by=row[17],
        claimed_by_name=row[18] or "",
        photos=photos,
        messages=messages,
        kind=row[19] or "report",
    )


def _notify_officers(
    db: sqlite_utils.Database, record: ReportRecord, envelopes: list[Envelope], now: datetime
) -> None:
    """Queue a new report's card for the officers. An urgent one jumps the queue; when cards
    are already waiting (many reports at once, or an attack), a further ordinary report is
    counted in one digest message instead of adding its own card and photos."""
    if not envelopes:
        return
    priority = OUTBOX_URGENT if record.urgent else OUTBOX_REPLY
    envelopes = [replace(e, priority=priority, report_ref=record.ref) for e in envelopes]
    chat = envelopes[0]
    urgent = "< 0" if record.urgent else ">= 0"
    waiting = db.execute(
        "SELECT COUNT(*) FROM outbox WHERE channel = ? AND user_ref = ? AND status = 'pending' "
        f"AND priority {urgent} AND report_ref IS NOT NULL",
        [chat.channel, chat.user],
    ).fetchone()[0]
    if waiting < DIGEST_AFTER:  # urgent ones are counted apart: a flood of fake "urgent"
        queue_envelopes(db, envelopes, now)  # reports gets its own digest, before everything else
        return
    kind = "urgent" if record.urgent else "digest"
    digest = db.execute(
        "SELECT id, body FROM outbox WHERE channel = ? AND user_ref = ? AND status = 'pending' "
        "AND report_ref IS NULL AND body LIKE ? ORDER BY id DESC LIMIT 1",
        [chat.channel, chat.user, f'%"{kind}"%'],
    ).fetchone()
    count = json.loads(digest[1]).get(kind, 0) + 1 if digest else 1
    text = (URGENT_DIGEST_TEXT if record.urgent else DIGEST_TEXT).format(count=count)
    body = {"text": text, kind: count}
    if digest:
        db.execute("UPDATE outbox SET body = ? WHERE id = ?", [to_json(body), digest[0]])
    else:
        queue_envelopes(db, [Envelope(chat.channel, chat.user, body, priority=priority)], now)
