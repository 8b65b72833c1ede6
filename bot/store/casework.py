"""What the officers' desk reads (prompts, the backlog of its chat, the person behind a number
for the relay) and the urgent reminders.

(Officers' changes to reports are a turn's effects: see `effects.py`.)
"""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from bot.records import Correspondent, Envelope, OfficerPrompt, ReportRecord
from bot.store.database import Database
from bot.store.relays import correspondent
from bot.store.reports import read_reports
from bot.store.rows import (
    queue_envelopes,
)


class CaseworkStore(Database):
    """Reads for the officers' desk, and reminders of urgent reports."""

    async def officer_backlog(self, channel: str, chat: str) -> int:
        """Messages waiting to be sent to the officers' chat."""
        return await self._call(
            lambda db: db.execute(
                "SELECT COUNT(*) FROM outbox WHERE channel = ? AND user_ref = ? AND "
                "status = 'pending'",
                [channel, chat],
            ).fetchone()[0]
        )

    async def officer_prompt(self, officer_id: int, chat_id: int) -> OfficerPrompt | None:
        """The prompt this officer's next message in this chat answers, if any."""

        def read(db: sqlite_utils.Database) -> OfficerPrompt | None:
            row = db.execute(
                "SELECT action, report_ref, created_at FROM officer_prompts WHERE "
                "officer_id = ? AND chat_id = ?",
                [officer_id, chat_id],
            ).fetchone()
            return OfficerPrompt(row[0], row[1], datetime.fromisoformat(row[2])) if row else None

        return await self._call(read)

    async def correspondent(self, ref: str) -> Correspondent | None:
        """The person behind report or registration number `ref`, for the relay; None if
        nobody has that number (any more)."""
        return await self._call(lambda db: correspondent(db, ref))

    async def unclaimed_urgent(self, announced_before: datetime) -> list[ReportRecord]:
        """Urgent reports nobody claimed, last announced before the given time."""

        def read(db: sqlite_utils.Database) -> list[ReportRecord]:
            refs = db.execute(
                "SELECT ref FROM reports WHERE urgent = 1 AND status = 'received' AND "
                "COALESCE(announced_at, created_at) < ? ORDER BY id",
                [announced_before.isoformat()],
            ).fetchall()
            return read_reports(db, refs)

        return await self._call(read)

    async def reannounce(self, ref: str, now: datetime, envelopes: list[Envelope]) -> None:
        """Queue a repeated announcement of an unclaimed urgent report."""

        def write(db: sqlite_utils.Database) -> None:
            db.execute("UPDATE reports SET announced_at = ? WHERE ref = ?", [now.isoformat(), ref])
            queue_envelopes(db, envelopes, now)

        await self._call(write)
