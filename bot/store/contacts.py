"""WhatsApp contacts: ids, the 24-hour window, held messages and delivery statuses."""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from bot.records import WhatsAppContact
from bot.store.database import Database

WHATSAPP = "whatsapp"
STATUS_RANK = {"sent": 1, "delivered": 2, "read": 3, "failed": 4}
"""WhatsApp delivery statuses arrive out of order; a lower rank never overwrites a higher one."""
FORGOTTEN_WHATSAPP_USER = (
    "erased = 1 AND NOT EXISTS (SELECT 1 FROM outbox WHERE channel = 'whatsapp' AND "
    "outbox.user_ref = whatsapp_users.user_ref AND status IN ('pending', 'held'))"
)
"""A WhatsApp contact whose user erased their data and has nothing left to receive."""


class ContactStore(Database):
    """How to reach each WhatsApp user."""

    async def whatsapp_seen(self, wa_id: str, bsuid: str, at: datetime) -> tuple[str, int]:
        """Record that a user wrote at `at`; returns (user ref, number of held messages released).

        The user ref is the business-scoped id when known, else the phone-based wa_id;
        a user first seen by one of them keeps that ref when the other appears later.
        Messages held while the 24-hour window was closed become pending again.
        """

        def write(db: sqlite_utils.Database) -> tuple[str, int]:
            row = db.execute(
                # NULLIF: an empty id matches nothing, instead of walking every user's
                # empty id in the index (O(users) per message)
                "SELECT user_ref FROM whatsapp_users WHERE bsuid = NULLIF(?, '') "
                "OR wa_id = NULLIF(?, '') ORDER BY bsuid = ? DESC LIMIT 1",
                [bsuid, wa_id, bsuid],
            ).fetchone()
            user = row[0] if row else (bsuid or wa_id)
            db.execute(
                "INSERT INTO whatsapp_users (user_ref, wa_id, bsuid, last_inbound_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (user_ref) DO UPDATE SET erased = 0, "
                "wa_id = CASE WHEN excluded.wa_id != '' THEN excluded.wa_id ELSE wa_id END, "
                "bsuid = CASE WHEN excluded.bsuid != '' THEN excluded.bsuid ELSE bsuid END, "
                "last_inbound_at = MAX(last_inbound_at, excluded.last_inbound_at)",
                [user, wa_id, bsuid, at.isoformat()],
            )
            released = db.execute(
                "UPDATE outbox SET status = 'pending', next_attempt_at = NULL, attempts = 0 "
                "WHERE channel = ? AND user_ref = ? AND status = 'held'",
                [WHATSAPP, user],
            ).rowcount
            return user, released

        return await self._call(write)

    async def whatsapp_contact(self, user: str) -> WhatsAppContact | None:
        """A WhatsApp user's ids, last message time and held message count (None: unknown)."""

        def read(db: sqlite_utils.Database) -> WhatsAppContact | None:
            row = db.execute(
                "SELECT wa_id, bsuid, last_inbound_at, (SELECT COUNT(*) FROM outbox WHERE "
                "channel = ? AND user_ref = ? AND status = 'held') FROM whatsapp_users "
                "WHERE user_ref = ?",
                [WHATSAPP, user, user],
            ).fetchone()
            if row is None:
                return None
            return WhatsAppContact(user, row[0], row[1], datetime.fromisoformat(row[2]), row[3])

        return await self._call(read)

    async def whatsapp_hold(self, user: str, cutoff: datetime) -> bool:
        """Hold a user's pending messages unless they wrote after `cutoff`; True if held."""

        def write(db: sqlite_utils.Database) -> bool:
            recent = db.execute(
                "SELECT 1 FROM whatsapp_users WHERE user_ref = ? AND last_inbound_at >= ?",
                [user, cutoff.isoformat()],
            ).fetchone()
            if recent:
                return False
            db.execute(
                "UPDATE outbox SET status = 'held' WHERE channel = ? AND user_ref = ? "
                "AND status = 'pending'",
                [WHATSAPP, user],
            )
            return True

        return await self._call(write)

    async def whatsapp_status(
        self, wamid: str, recipient: str, status: str, error: str, at: datetime
    ) -> None:
        """Record a delivery status of a sent message; a stale (lower) status is ignored."""
        rank = STATUS_RANK.get(status, 0)

        def write(db: sqlite_utils.Database) -> None:
            known = db.execute(
                "SELECT 1 FROM whatsapp_users WHERE wa_id = ? AND erased = 0", [recipient]
            ).fetchone()
            if known is None:  # a user who erased their data: their number is not kept again
                return
            old = db.execute(
                "SELECT status FROM whatsapp_statuses WHERE wamid = ?", [wamid]
            ).fetchone()
            if old and STATUS_RANK.get(old[0], 0) > rank:
                return
            db.execute(
                "INSERT OR REPLACE INTO whatsapp_statuses VALUES (?, ?, ?, ?, ?)",
                [wamid, recipient, status, error[:500], at.isoformat()],
            )

        await self._call(write)


def forget_whatsapp_user(db: sqlite_utils.Database, user: str) -> int:
    """A WhatsApp user who erased their data and has nothing left to receive: their phone
    number goes from the contacts, the delivery statuses and the sent messages; returns 1 if
    they were forgotten, 0 if they still have a session or messages to receive."""
    row = db.execute(
        f"SELECT wa_id FROM whatsapp_users WHERE user_ref = ? AND {FORGOTTEN_WHATSAPP_USER}",
        [user],
    ).fetchone()
    if row is None:
        return 0
    db.execute("DELETE FROM whatsapp_statuses WHERE recipient = ?", [row[0]])
    db.execute("DELETE FROM outbox WHERE channel = 'whatsapp' AND user_ref = ?", [user])
    db.execute("DELETE FROM whatsapp_users WHERE user_ref = ?", [user])
    return 1
