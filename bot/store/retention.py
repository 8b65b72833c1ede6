"""Retention: what goes when its time is up, and the erasure of a user's data."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlite_utils

from bot.store.contacts import FORGOTTEN_WHATSAPP_USER, forget_whatsapp_user
from bot.store.database import Database
from bot.store.rows import (
    set_aside,
)


class RetentionStore(Database):
    """Pruning and erasure."""

    async def prune(
        self, now: datetime, session_days: int, update_days: int = 7, draft_hours: int = 72
    ) -> int:
        """Erase sessions idle longer than `session_days` and old processed ids; count erased.

        Messages that could never be sent (dead) go after `update_days`; messages held for a
        WhatsApp user who never came back go with the session; drafts (and the remembered
        question) of a session idle longer than `draft_hours` go too."""

        def write(db: sqlite_utils.Database) -> int:
            session_cutoff = (now - timedelta(days=session_days)).isoformat()
            update_cutoff = (now - timedelta(days=update_days)).isoformat()
            erased = db.execute(
                "DELETE FROM sessions WHERE updated_at < ?", [session_cutoff]
            ).rowcount
            db.execute("DELETE FROM processed_updates WHERE processed_at < ?", [update_cutoff])
            db.execute("DELETE FROM dead_updates WHERE failed_at < ?", [session_cutoff])
            db.execute(  # drafts and open answers (photos of a report never sent) of a
                "UPDATE sessions SET memory = NULL, answers = '{}' WHERE updated_at < ? AND "
                "(memory IS NOT NULL OR answers != '{}')",  # session idle past the drafts' time
                [(now - timedelta(hours=draft_hours)).isoformat()],
            )
            stale = db.execute(  # an event unprocessed for a day: set aside, payload and all
                "SELECT channel, update_id, last_error FROM inbox WHERE received_at < ?",
                [(now - timedelta(days=1)).isoformat()],
            ).fetchall()
            for channel, update_id, error in stale:
                set_aside(db, channel, update_id, error or "not processed within a day", now)
            db.execute("DELETE FROM outbox WHERE status = 'sent' AND sent_at < ?", [update_cutoff])
            db.execute("DELETE FROM whatsapp_statuses WHERE updated_at < ?", [update_cutoff])
            db.execute("DELETE FROM whatsapp_users WHERE last_inbound_at < ?", [session_cutoff])
            for (user,) in db.execute(
                f"SELECT user_ref FROM whatsapp_users WHERE {FORGOTTEN_WHATSAPP_USER}"
            ).fetchall():
                forget_whatsapp_user(db, user)
            db.execute(
                "DELETE FROM outbox WHERE (status = 'dead' AND created_at < ?) OR "
                "(status = 'held' AND created_at < ?)",
                [update_cutoff, session_cutoff],
            )
            return erased

        return await self._call(write, checkpoint=True)

    async def prune_questions(self, before: datetime) -> int:
        """Erase unanswered questions asked before `before` (their retention); count them."""
        return await self._call(
            lambda db: (
                db.execute(
                    "DELETE FROM unanswered_questions WHERE asked_at < ?", [before.isoformat()]
                ).rowcount
            )
        )

    async def erase_report_personal_data(self, older_than: datetime) -> list[str]:
        """Erase personal data of reports filed before `older_than`; return photo paths to delete.

        The facts officers need for statistics (status, outcome, kecamatan, dates) remain.
        """

        def write(db: sqlite_utils.Database) -> list[str]:
            ids = [
                row[0]
                for row in db.execute(
                    "SELECT id FROM reports WHERE created_at < ? AND erased_at IS NULL",
                    [older_than.isoformat()],
                ).fetchall()
            ]
            return erase_reports(db, ids, datetime.now(UTC))

        return await self._call(write, checkpoint=True)

    async def media_in_use(self) -> set[str]:
        """Paths of received files that a report or an open dialog (or a draft) refers to."""

        def read(db: sqlite_utils.Database) -> set[str]:
            paths = {path for (path,) in db.execute("SELECT path FROM report_media").fetchall()}
            for answers, memory in db.execute(
                "SELECT answers, memory FROM sessions WHERE answers LIKE '%photos%' OR "
                "memory LIKE '%photos%'"
            ).fetchall():
                for blob in (answers, memory):
                    paths |= _strings_in(json.loads(blob)) if blob else set()
            return paths

        return await self._call(read)


def erase_reports(db: sqlite_utils.Database, ids: list[int], now: datetime) -> list[str]:
    paths: list[str] = []
    for report_id in ids:
        db.execute(  # cards and photos for the officers that still wait: the report stays in
            "DELETE FROM outbox WHERE status != 'sent' AND report_ref = "  # /queue, anonymised
            "(SELECT ref FROM reports WHERE id = ?)",
            [report_id],
        )
        paths += [
            path
            for (path,) in db.execute(
                "SELECT path FROM report_media WHERE report_id = ?", [report_id]
            ).fetchall()
        ]
        db.execute("DELETE FROM report_media WHERE report_id = ?", [report_id])
        db.execute(
            "UPDATE report_messages SET text = '(dihapus)' WHERE report_id = ? AND "
            "direction != 'note'",
            [report_id],
        )
        db.execute(  # a question to the officers is the asker's own words: it goes too
            "UPDATE reports SET offer = '(dihapus)' WHERE id = ? AND kind = 'question'",
            [report_id],
        )
        db.execute(  # the idempotency key named the user too (channel:user:update)
            "UPDATE reports SET user_ref = NULL, name = NULL, phone = NULL, "
            "idempotency_key = 'erased:' || id, erased_at = ? WHERE id = ?",
            [now.isoformat(), report_id],
        )
    return paths


def _strings_in(value: Any) -> set[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(_strings_in(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(_strings_in(item) for item in value))
    return set()
