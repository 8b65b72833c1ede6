"""The inbox (platform events stored before they are acknowledged) and the outbox."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from bot.records import OUTBOX_BULK, Envelope, InboxItem, OutboxItem
from bot.store.contacts import forget_whatsapp_user
from bot.store.database import Database
from bot.store.rows import (
    is_processed,
    queue_envelopes,
    set_aside,
)

MAX_ATTEMPTS = 3  # starts an unprocessed event is tried at before it is set aside


class QueueStore(Database):
    """Events in, messages out."""

    async def enqueue(
        self,
        channel: str,
        user: str,
        bodies: list[dict[str, Any]],
        now: datetime,
        priority: int = OUTBOX_BULK,
    ) -> None:
        """Queue messages that are not a reply to a turn (alerts, relays, broadcasts)."""

        envelopes = [Envelope(channel, user, body) for body in bodies]
        await self._call(lambda db: queue_envelopes(db, envelopes, now, priority))

    async def due_outbox(self, channel: str, now: datetime, limit: int) -> list[OutboxItem]:
        """The first pending message of each user whose time has come; replies first.
        Notices deferred for quiet hours (status 'quiet') become pending once they end.

        A user's later messages wait behind their oldest one, so each user gets their
        messages in order (only an urgent card for the officers jumps ahead), while one
        slow user never holds up the others.
        """

        def read(db: sqlite_utils.Database) -> list[OutboxItem]:
            db.execute(  # notices whose quiet hours are over wait no more
                "UPDATE outbox SET status = 'pending', next_attempt_at = NULL WHERE "
                "channel = ? AND status = 'quiet' AND next_attempt_at <= ?",
                [channel, now.isoformat()],
            )
            rows = db.execute(
                "SELECT o.id, o.user_ref, o.body, o.attempts FROM outbox o WHERE o.channel = ? "
                "AND o.status = 'pending' AND (o.next_attempt_at IS NULL OR "
                "o.next_attempt_at <= ?) AND o.id = (SELECT p.id FROM outbox p WHERE "
                "p.channel = o.channel AND p.user_ref = o.user_ref AND p.status = 'pending' "
                "ORDER BY p.priority >= 0, p.id LIMIT 1) ORDER BY o.priority, o.id LIMIT ?",
                [channel, now.isoformat(), limit],
            ).fetchall()
            return [OutboxItem(row[0], row[1], json.loads(row[2]), row[3]) for row in rows]

        return await self._call(read)

    async def next_outbox_time(self, channel: str) -> datetime | None:
        """When the earliest pending (or quiet) message becomes due (None: nothing waits)."""

        def read(db: sqlite_utils.Database) -> datetime | None:
            row = db.execute(
                "SELECT MIN(COALESCE(next_attempt_at, created_at)) FROM outbox "
                "WHERE channel = ? AND status IN ('pending', 'quiet')",
                [channel],
            ).fetchone()
            return datetime.fromisoformat(row[0]) if row and row[0] else None

        return await self._call(read)

    async def outbox_sent(self, item_id: int, now: datetime) -> None:
        """Mark a message delivered. The last message to a WhatsApp user who erased their data
        (the "deleted" confirmation) takes their phone number with it."""

        def write(db: sqlite_utils.Database) -> int:
            db.execute(
                "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, body = "
                "CASE WHEN priority <= 0 THEN '{}' ELSE body END WHERE id = ?",
                [now.isoformat(), item_id],
            )
            row = db.execute(
                "SELECT user_ref FROM outbox WHERE id = ? AND channel = 'whatsapp'", [item_id]
            ).fetchone()
            return forget_whatsapp_user(db, row[0]) if row else 0

        if await self._call(write):
            await self._call(lambda db: None, checkpoint=True)  # and out of the WAL too

    async def outbox_quiet(self, channel: str, until: datetime) -> None:
        """Quiet hours began: every pending notice of the channel waits until `until`, aside
        from the users' replies (status 'quiet'), without counting an attempt. Stored in
        UTC like every time of the outbox: they are compared as text (quiet hours end in
        Jakarta time, which as text would compare 7 hours late)."""
        await self._call(
            lambda db: db.execute(
                "UPDATE outbox SET status = 'quiet', next_attempt_at = ? WHERE channel = ? "
                "AND status = 'pending' AND notice IS NOT NULL",
                [until.astimezone(UTC).isoformat(), channel],
            )
        )

    async def outbox_retry(self, item_id: int, when: datetime, error: str) -> None:
        """Try a message again at `when`."""
        await self._call(
            lambda db: db.execute(
                "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? "
                "WHERE id = ?",
                [when.isoformat(), error[:500], item_id],
            )
        )

    async def outbox_dead(self, item_id: int, error: str) -> None:
        """Give up on a message (dead letter), keeping the reason."""
        await self._call(lambda db: dead_letter(db, item_id, error))

    async def inbox_put(self, channel: str, update_id: str, payload: str, now: datetime) -> bool:
        """Persist a platform event before acknowledging it; False if it was seen before."""

        def write(db: sqlite_utils.Database) -> bool:
            if is_processed(db, channel, update_id):
                return False
            return (
                db.execute(
                    "INSERT OR IGNORE INTO inbox (channel, update_id, payload, received_at) "
                    "VALUES (?, ?, ?, ?)",
                    [channel, update_id, payload, now.isoformat()],
                ).rowcount
                == 1
            )

        return await self._call(write)

    async def inbox_pending(self, channel: str, now: datetime) -> list[InboxItem]:
        """Events persisted but not yet processed (after a crash), oldest first.

        Each call is one more attempt for them: an event still here after MAX_ATTEMPTS
        (it failed, or crashed the process, every time) goes to `dead_updates` with its
        last error and without its payload, and is logged once."""

        def write(db: sqlite_utils.Database) -> list[InboxItem]:
            db.execute("UPDATE inbox SET attempts = attempts + 1 WHERE channel = ?", [channel])
            dead = db.execute(
                "SELECT update_id, last_error FROM inbox WHERE channel = ? AND attempts > ?",
                [channel, MAX_ATTEMPTS],
            ).fetchall()
            for update_id, error in dead:
                set_aside(db, channel, update_id, error or "it stopped the process", now)
            rows = db.execute(
                "SELECT update_id, payload FROM inbox WHERE channel = ? "
                "ORDER BY received_at, rowid",
                [channel],
            ).fetchall()
            return [InboxItem(row[0], row[1]) for row in rows]

        return await self._call(write)

    async def inbox_failed(self, channel: str, update_id: str, error: str, now: datetime) -> None:
        """Count a failed attempt at an event (its error's kind only: the message may quote
        the user); it is tried again at the next start, set aside after MAX_ATTEMPTS."""

        def write(db: sqlite_utils.Database) -> None:
            db.execute(
                "UPDATE inbox SET last_error = ?, attempts = attempts + 1 WHERE channel = ? AND "
                "update_id = ?",
                [error[:80], channel, update_id],
            )
            row = db.execute(
                "SELECT attempts FROM inbox WHERE channel = ? AND update_id = ?",
                [channel, update_id],
            ).fetchone()
            if row and row[0] >= MAX_ATTEMPTS:
                set_aside(db, channel, update_id, error[:80], now)

        await self._call(write)

    async def inbox_drop(self, channel: str, update_id: str) -> None:
        """Forget a persisted event that needs no processing (e.g. a status notice)."""
        await self._call(
            lambda db: db.execute(
                "DELETE FROM inbox WHERE channel = ? AND update_id = ?", [channel, update_id]
            )
        )


def dead_letter(db: sqlite_utils.Database, item_id: int, error: str) -> None:
    """Mark a message given up (dead), keeping the reason."""
    db.execute(
        "UPDATE outbox SET status = 'dead', attempts = attempts + 1, last_error = ? WHERE id = ?",
        [error[:500], item_id],
    )
