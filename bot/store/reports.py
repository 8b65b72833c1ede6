"""Reports as officers and reporters read them: by number, the open queue, exports, counts.

(Reports are filed by a turn's `FileReport` effect: see `effects.py`.)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlite_utils

from bot.records import (
    ReportMessage,
    ReportRecord,
)
from bot.store.database import Database


class ReportStore(Database):
    """Reports and questions to the officers."""

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
            return read_reports(db, refs)

        return await self._call(read)

    async def export_reports(self, start: datetime, end: datetime) -> list[ReportRecord]:
        """Reports filed in [start, end), oldest first."""

        def read(db: sqlite_utils.Database) -> list[ReportRecord]:
            refs = db.execute(
                "SELECT ref FROM reports WHERE created_at >= ? AND created_at < ? ORDER BY id",
                [start.isoformat(), end.isoformat()],
            ).fetchall()
            return read_reports(db, refs)

        return await self._call(read)

    async def report_stats(self) -> dict[str, list[tuple[str, int]]]:
        """Counts of reports by status, by kecamatan and by ISO week (no personal data), and
        the contacts and companies that several reported adverts named."""

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
                # what several reported adverts share: a contact number, an account, a company
                "repeated": "SELECT kind || ': ' || value, COUNT(DISTINCT report_id) FROM "
                "report_facts WHERE kind IN ('contact', 'company') GROUP BY kind, value "
                "HAVING COUNT(DISTINCT report_id) > 1 ORDER BY 2 DESC, 1 LIMIT 10",
            }
            return {
                name: [(str(key), count) for key, count in db.execute(sql).fetchall()]
                for name, sql in queries.items()
            }

        return await self._call(read)


def read_reports(db: sqlite_utils.Database, refs: Iterable[tuple[str]]) -> list[ReportRecord]:
    """The reports of `refs` (rows of one column, just selected from `reports` in the same
    transaction, so each is there), in their order."""
    reports = (read_report(db, ref) for (ref,) in refs)
    return [report for report in reports if report is not None]


def read_report(db: sqlite_utils.Database, ref: str) -> ReportRecord | None:
    row = db.execute(
        "SELECT id, ref, channel, user_ref, anonymous, urgent, status, outcome, offer, recruiter, "
        "place, kecamatan, country, name, phone, lang, created_at, claimed_by, claimed_by_name, "
        "kind, desa FROM reports WHERE ref = ?",
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
        desa=row[20] or "",
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
