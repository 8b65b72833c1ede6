"""Row helpers shared by the store's modules; each runs inside the caller's transaction."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime

import sqlite_utils

from bot.records import OUTBOX_REPLY, Envelope

log = logging.getLogger(__name__)


def to_json(value: object) -> str:
    """Compact JSON, UTF-8 kept as is."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def update_key(update_id: str) -> str:
    """How an answered update is remembered: a one-way hash, since a WhatsApp message id
    embeds the sender's phone number and must not outlive their data."""
    return hashlib.blake2b(update_id.encode(), digest_size=16, person=b"ma-update").hexdigest()


def is_processed(db: sqlite_utils.Database, channel: str, update_id: str) -> bool:
    """Whether this platform update was answered already."""
    return (
        db.execute(
            "SELECT 1 FROM processed_updates WHERE channel = ? AND update_id = ?",
            [channel, update_key(update_id)],
        ).fetchone()
        is not None
    )


def finish_update(db: sqlite_utils.Database, channel: str, update_id: str, now: datetime) -> None:
    """Mark a platform update answered and take it out of the inbox (no-op without an id)."""
    if update_id:
        db.execute(
            "INSERT OR IGNORE INTO processed_updates VALUES (?, ?, ?)",
            [channel, update_key(update_id), now.isoformat()],
        )
        db.execute("DELETE FROM inbox WHERE channel = ? AND update_id = ?", [channel, update_id])


def set_aside(
    db: sqlite_utils.Database, channel: str, update_id: str, reason: str, now: datetime
) -> None:
    """An event that cannot be processed leaves the inbox (with its payload) for
    `dead_updates`: its hashed id, the kind of error, when; logged once."""
    log.error("%s update set aside: %s", channel, reason)
    db.execute(
        "INSERT OR REPLACE INTO dead_updates VALUES (?, ?, ?, ?)",
        [channel, update_key(update_id), reason, now.isoformat()],
    )
    db.execute("DELETE FROM inbox WHERE channel = ? AND update_id = ?", [channel, update_id])


def queue_envelopes(
    db: sqlite_utils.Database,
    envelopes: list[Envelope],
    now: datetime,
    priority: int = OUTBOX_REPLY,
) -> None:
    """Queue messages in the caller's transaction; an envelope with `relay_ref` opens a relay."""
    db.conn.executemany(
        "INSERT INTO outbox (channel, user_ref, body, priority, created_at, report_ref) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                envelope.channel,
                envelope.user,
                to_json(envelope.body),
                priority if envelope.priority is None else envelope.priority,
                now.isoformat(),
                envelope.report_ref or None,
            )
            for envelope in envelopes
        ],
    )
    for envelope in envelopes:
        if envelope.relay_ref:
            db.execute(
                "INSERT OR REPLACE INTO relays VALUES (?, ?, ?, ?)",
                [envelope.channel, envelope.user, envelope.relay_ref, now.isoformat()],
            )
