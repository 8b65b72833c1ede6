"""Officers' work on reports: changes with their audit line, prompts, relays, reminders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlite_utils

from bot.records import Envelope, ReportRecord
from bot.store.database import Database
from bot.store.reports import read_report
from bot.store.rows import (
    queue_envelopes,
    update_key,
)

OFFICER_COLUMNS = frozenset(
    {"status", "outcome", "claimed_by", "claimed_by_name", "claimed_at", "closed_at"}
)
"""Report columns an officer action may change."""


class CaseworkStore(Database):
    """What officers do to reports."""

    async def officer_backlog(self, channel: str, chat: str) -> int:
        """Messages waiting to be sent to the officers' chat."""
        return await self._call(
            lambda db: db.execute(
                "SELECT COUNT(*) FROM outbox WHERE channel = ? AND user_ref = ? AND "
                "status = 'pending'",
                [channel, chat],
            ).fetchone()[0]
        )

    async def officer_update(
        self,
        ref: str,
        officer_id: int,
        action: str,
        now: datetime,
        changes: dict[str, Any] | None = None,
        note: str = "",
        envelopes: Callable[[ReportRecord], list[Envelope]] | None = None,
        from_status: str | None = None,
    ) -> ReportRecord | None:
        """An officer's action on a report: changes, a note, messages to queue, the audit line.

        All in one transaction, so the audit log never misses an action that happened.
        With `from_status`, nothing happens unless the report still has that status (two
        officers pressing at once: the second finds it changed and gets it back unchanged).
        """

        def write(db: sqlite_utils.Database) -> ReportRecord | None:
            record = read_report(db, ref)
            if record is None or (from_status and record.status != from_status):
                return record
            if changes:
                assert set(changes) <= OFFICER_COLUMNS, changes
                assignments = ", ".join(f"{column} = ?" for column in changes)
                db.execute(
                    f"UPDATE reports SET {assignments} WHERE ref = ?",
                    [*changes.values(), ref],
                )
            if note:
                db.execute(
                    "INSERT INTO report_messages (report_id, direction, author, text, "
                    "created_at) VALUES (?, ?, ?, ?, ?)",
                    [record.id, action, str(officer_id), note, now.isoformat()],
                )
            # the text itself stays with the report (and goes with its retention), not here:
            # the audit log is append-only and kept for good
            audit_line(db, officer_id, action, ref, f"{len(note)} characters" if note else "", now)
            record = read_report(db, ref)
            if envelopes:
                queue_envelopes(db, envelopes(record), now)
            return record

        return await self._call(write)

    async def audit(
        self, officer_id: int, action: str, ref: str, detail: str, now: datetime
    ) -> None:
        """Append one line to the audit log (refusals, exports, views)."""
        await self._call(lambda db: audit_line(db, officer_id, action, ref, detail, now))

    async def set_officer_prompt(
        self, officer_id: int, chat_id: int, action: str, ref: str, now: datetime
    ) -> None:
        """Remember that this officer's next message in this chat answers a prompt."""
        await self._call(
            lambda db: db.execute(
                "INSERT OR REPLACE INTO officer_prompts VALUES (?, ?, ?, ?, ?)",
                [officer_id, chat_id, action, ref, now.isoformat()],
            )
        )

    async def take_officer_prompt(
        self,
        officer_id: int,
        chat_id: int,
        since: datetime | None = None,
        ref_in: str | None = None,
    ) -> tuple[str, str] | None:
        """The pending prompt (action, report ref) of this officer in this chat, removed.

        A prompt older than `since` has expired: it is removed and ("expired", ref) comes
        back. With `ref_in` (the report numbers of the message replied to, space-separated),
        only a prompt about one of them is taken (in a group, only a reply to the prompt)."""

        def write(db: sqlite_utils.Database) -> tuple[str, str] | None:
            row = db.execute(
                "SELECT action, report_ref, created_at FROM officer_prompts WHERE "
                "officer_id = ? AND chat_id = ?",
                [officer_id, chat_id],
            ).fetchone()
            if row and since is not None and row[2] < since.isoformat():
                db.execute(
                    "DELETE FROM officer_prompts WHERE officer_id = ? AND chat_id = ?",
                    [officer_id, chat_id],
                )
                return ("expired", row[1])
            if row and ref_in is not None and row[1] not in ref_in.split():
                return None  # a remark to colleagues, not the answer to the prompt
            if row:
                db.execute(
                    "DELETE FROM officer_prompts WHERE officer_id = ? AND chat_id = ?",
                    [officer_id, chat_id],
                )
            return (row[0], row[1]) if row else None

        return await self._call(write)

    async def relay_from_reporter(
        self,
        channel: str,
        user: str,
        ref: str,
        text: str,
        now: datetime,
        envelopes: list[Envelope],
        update_id: str = "",
    ) -> None:
        """Keep the reporter's answer in the report thread and queue it for the officers.

        Once per `update_id`: a message processed again after a crash (the turn's own
        commit comes later) is not relayed twice.
        """

        def write(db: sqlite_utils.Database) -> None:
            if update_id:
                fresh = db.execute(
                    "INSERT OR IGNORE INTO processed_updates VALUES (?, ?, ?)",
                    [channel, update_key(f"relay:{update_id}"), now.isoformat()],
                ).rowcount
                if not fresh:
                    return  # relayed already, before a crash
            db.execute(
                "INSERT INTO report_messages (report_id, direction, author, text, "
                "created_at) SELECT id, 'from_reporter', 'reporter', ?, ? FROM reports "
                "WHERE ref = ?",
                [text, now.isoformat(), ref],
            )
            queue_envelopes(db, envelopes, now)

        await self._call(write)

    async def close_relay(self, channel: str, user: str) -> None:
        """End the officer conversation of this user (the reporter went back to the menu)."""
        await self._call(
            lambda db: db.execute(
                "DELETE FROM relays WHERE channel = ? AND user_ref = ?", [channel, user]
            )
        )

    async def unclaimed_urgent(self, announced_before: datetime) -> list[ReportRecord]:
        """Urgent reports nobody claimed, last announced before the given time."""

        def read(db: sqlite_utils.Database) -> list[ReportRecord]:
            refs = db.execute(
                "SELECT ref FROM reports WHERE urgent = 1 AND status = 'received' AND "
                "COALESCE(announced_at, created_at) < ? ORDER BY id",
                [announced_before.isoformat()],
            ).fetchall()
            return [read_report(db, ref) for (ref,) in refs]

        return await self._call(read)

    async def reannounce(self, ref: str, now: datetime, envelopes: list[Envelope]) -> None:
        """Queue a repeated announcement of an unclaimed urgent report."""

        def write(db: sqlite_utils.Database) -> None:
            db.execute("UPDATE reports SET announced_at = ? WHERE ref = ?", [now.isoformat(), ref])
            queue_envelopes(db, envelopes, now)

        await self._call(write)


def audit_line(
    db: sqlite_utils.Database, officer_id: int, action: str, ref: str, detail: str, now: datetime
) -> None:
    db.execute(
        "INSERT INTO audit_log (at, officer_id, action, report_ref, detail) VALUES (?, ?, ?, ?, ?)",
        [now.isoformat(), officer_id, action, ref, detail],
    )
