"""Subscriptions and notices: who wants which alerts, who said stop, what was sent.

A notice (`bot.notices.Notice`) is queued in the outbox like any message, marked with its
kind in the outbox's `notice` column, unless its user said "berhenti / stop" (a warning
about their own registered plan still goes) or was sent a notice with the same key before.
Many notices (an alert to 10,000 subscribers) are written in one transaction.

Retention (`prune_notices`, hourly): a sent notice's key is kept `key_days` (the senders
remember on their own what they sent: plans their follow-ups, imports the listings they
knew, alerts their drafts, so the key only has to stop a repeat within days); an officer's
draft alert goes once it can no longer be confirmed; the subscriptions, stop and keys of a
WhatsApp user go with their contact (idle past the session retention: nothing can reach
them any more); a stop goes after `key_days` unless the person has a registered plan,
whose reminders it keeps away; a job alert or reminder held for a WhatsApp user (the 24-hour
window closed) goes after `held_days`: by then the vacancy may have closed. A Telegram
subscription stays until "berhenti", "hapus data" or the person blocks the bot: Telegram can
reach a subscriber however long they stay silent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlite_utils

from bot.effects import AlertDraft, StopNotices, Subscribe
from bot.notices import REACHABLE_CHANNELS, Notice
from bot.records import OUTBOX_BULK, AlertDraftRecord, Subscription
from bot.store.contacts import WHATSAPP
from bot.store.database import Database
from bot.store.migration_21 import BASELINE
from bot.store.queues import dead_letter
from bot.store.rows import to_json

NOT_STOPPED = "NOT EXISTS (SELECT 1 FROM notice_stops s WHERE s.channel = ? AND s.user_ref = ?)"
DRAFT_KEPT = timedelta(hours=1)  # beyond the officer's 30 minutes to confirm: forgotten
NO_CONTACT = (
    "channel = 'whatsapp' AND NOT EXISTS (SELECT 1 FROM whatsapp_users w WHERE "
    "w.user_ref = {table}.user_ref)"
)
"""A WhatsApp user whose contact is gone (idle past retention): no message can reach them."""
REACHABLE = "channel IN ({})".format(", ".join(f"'{c}'" for c in sorted(REACHABLE_CHANNELS)))
"""Rows of a channel a notice can reach."""
WAITING = "status IN ('pending', 'held', 'quiet')"
UNSTOPPABLE = "warning"
"""The kind of notice a stop does not end: a warning about the person's own registered plan
(its recruiter lost its licence); they end it by deleting the plan or their data."""
"""Outbox statuses of a message not sent yet (held: WhatsApp's window; quiet: quiet hours)."""


@dataclass(frozen=True, slots=True)
class Stoppable:
    """What "berhenti / stop" would end for one user (`SubscriptionStore.stoppable`)."""

    any: bool
    plan: bool


class SubscriptionStore(Database):
    """Subscriptions, the stop word, and notices queued without a dialog turn."""

    async def send_notices(self, notices: list[Notice], now: datetime) -> int:
        """Queue notices outside a turn (after an import); returns how many were queued."""
        return len(await self._call(lambda db: queue_notices(db, notices, now)))

    async def stoppable(self, channel: str, user: str) -> Stoppable:
        """What a stop would end for this user: subscriptions or notices waiting (`any`),
        and whether they have a registered plan (its reminders end, its warnings do not)."""

        def read(db: sqlite_utils.Database) -> Stoppable:
            who = [channel, user]
            plan = db.execute(
                "SELECT 1 FROM registrations WHERE channel = ? AND user_ref = ?", who
            ).fetchone()
            other = db.execute(
                "SELECT 1 FROM subscriptions WHERE channel = ? AND user_ref = ? UNION ALL "
                "SELECT 1 FROM outbox WHERE channel = ? AND user_ref = ? AND notice IS NOT "
                f"NULL AND {WAITING} LIMIT 1",
                who + who,
            ).fetchone()
            return Stoppable(any=bool(plan or other), plan=bool(plan))

        return await self._call(read)

    async def outbox_unreachable(self, item_id: int, error: str) -> None:
        """Give up on a message whose person cannot be reached any more (blocked the bot,
        left the platform): their subscriptions end and their waiting notices are dropped,
        with the message, in one write. Their reports and plan stay for the officers."""

        def write(db: sqlite_utils.Database) -> None:
            row = db.execute("SELECT channel, user_ref FROM outbox WHERE id = ?", [item_id])
            found = row.fetchone()
            dead_letter(db, item_id, error)
            if found:
                forget_unreachable(db, *found)

        await self._call(write)

    async def whatsapp_unreachable(self, wa_id: str) -> None:
        """A delivery status says this WhatsApp number cannot receive messages at all (the
        send itself was accepted, so the outbox does not know): as `outbox_unreachable`."""

        def write(db: sqlite_utils.Database) -> None:
            for (user,) in db.execute(
                "SELECT user_ref FROM whatsapp_users WHERE wa_id = ?", [wa_id]
            ).fetchall():
                forget_unreachable(db, WHATSAPP, user)

        await self._call(write)

    async def unannounced_listings(self, refs: list[str]) -> list[str] | None:
        """Which of these job listings were not announced yet; None on the first pass after
        migration 21 (the board found then is recorded without announcing it)."""

        def read(db: sqlite_utils.Database) -> list[str] | None:
            if db.execute("SELECT 1 FROM announced_listings WHERE ref = ?", [BASELINE]).fetchone():
                return None
            known = {row[0] for row in db.execute("SELECT ref FROM announced_listings")}
            return [ref for ref in refs if ref not in known]

        return await self._call(read)

    async def announce_listings(self, notices: list[Notice], refs: list[str], now: datetime) -> int:
        """Queue the job alerts and record their listings as announced, together (a
        failed write leaves them to announce again); returns how many were queued."""

        def write(db: sqlite_utils.Database) -> int:
            queued = queue_notices(db, notices, now)
            db.execute("DELETE FROM announced_listings WHERE ref = ?", [BASELINE])
            db.conn.executemany(
                "INSERT OR IGNORE INTO announced_listings VALUES (?, ?)",
                [(ref, now.isoformat()) for ref in refs],
            )
            return len(queued)

        return await self._call(write)

    async def subscriptions_of(self, channel: str, user: str) -> list[Subscription]:
        """A user's subscriptions, by topic and value."""

        def read(db: sqlite_utils.Database) -> list[Subscription]:
            rows = db.execute(
                "SELECT lang, topic, value FROM subscriptions WHERE channel = ? AND "
                "user_ref = ? ORDER BY topic, value",
                [channel, user],
            ).fetchall()
            return [Subscription(channel, user, *row) for row in rows]

        return await self._call(read)

    async def subscribers(self, topic: str, values: list[str]) -> list[Subscription]:
        """The subscriptions on `topic` to any of `values` (compared in lower case); with
        topic "" every subscriber, once each (an alert to everyone). Only those a notice
        can reach (a web chat's subscription, from before it was refused, counts for none)."""

        def read(db: sqlite_utils.Database) -> list[Subscription]:
            if not topic:
                rows = db.execute(
                    "SELECT channel, user_ref, MIN(lang), '', '' FROM subscriptions "
                    f"WHERE {REACHABLE} GROUP BY channel, user_ref ORDER BY channel, user_ref"
                ).fetchall()
            else:
                keys = sorted({value.casefold() for value in values})
                marks = ", ".join("?" * len(keys))
                rows = db.execute(
                    "SELECT channel, user_ref, lang, topic, value FROM subscriptions WHERE "
                    f"{REACHABLE} AND topic = ? AND value IN ({marks}) "
                    "ORDER BY channel, user_ref, value",
                    [topic, *keys],
                ).fetchall()
            return [Subscription(*row) for row in rows]

        return await self._call(read)

    async def prune_notices(self, now: datetime, key_days: int, held_days: int = 14) -> None:
        """Erase what the notices' retention says must go now (see the module's doc)."""
        key_cutoff = (now - timedelta(days=key_days)).isoformat()

        def write(db: sqlite_utils.Database) -> None:
            db.execute("DELETE FROM notice_keys WHERE queued_at < ?", [key_cutoff])
            db.execute(
                "DELETE FROM outbox WHERE status = 'held' AND notice IN ('jobs', 'reminder') "
                "AND created_at < ?",
                [(now - timedelta(days=held_days)).isoformat()],
            )
            db.execute(
                "DELETE FROM alert_drafts WHERE created_at < ?", [(now - DRAFT_KEPT).isoformat()]
            )
            for table in ("subscriptions", "notice_stops", "notice_keys"):
                db.execute(f"DELETE FROM {table} WHERE " + NO_CONTACT.format(table=table))
            db.execute(
                "DELETE FROM notice_stops WHERE stopped_at < ? AND NOT EXISTS (SELECT 1 FROM "
                "registrations r WHERE r.channel = notice_stops.channel AND "
                "r.user_ref = notice_stops.user_ref)",
                [key_cutoff],
            )

        await self._call(write, checkpoint=True)

    async def alert_draft(self, key: str) -> AlertDraftRecord | None:
        """An officer's alert waiting for confirmation (None: unknown, or sent)."""

        def read(db: sqlite_utils.Database) -> AlertDraftRecord | None:
            row = db.execute(
                "SELECT officer_id, target, text, created_at FROM alert_drafts WHERE key = ?",
                [key],
            ).fetchone()
            if row is None:
                return None
            return AlertDraftRecord(key, row[0], row[1], row[2], datetime.fromisoformat(row[3]))

        return await self._call(read)


def save_alert_draft(db: sqlite_utils.Database, effect: AlertDraft, now: datetime) -> None:
    """Keep an alert until its officer confirms it; an empty text forgets it. Drafts past
    their time go at the same time (and in `prune_notices`)."""
    db.execute(
        "DELETE FROM alert_drafts WHERE key = ? OR created_at < ?",
        [effect.key, (now - DRAFT_KEPT).isoformat()],
    )
    if effect.text:
        db.execute(
            "INSERT INTO alert_drafts VALUES (?, ?, ?, ?, ?)",
            [effect.key, effect.officer_id, effect.target, effect.text, now.isoformat()],
        )


def queue_notices(db: sqlite_utils.Database, notices: list[Notice], now: datetime) -> list[Notice]:
    """Queue notices in the caller's transaction, except to users who said stop (a warning
    about their own plan excepted) and keys sent to that user already (also within
    `notices`); returns the notices queued."""
    seen: set[tuple[str, str, str]] = set()
    queued: list[Notice] = []
    created = now.isoformat()
    for notice in notices:
        identity = (notice.channel, notice.user_ref, notice.key)
        if notice.channel not in REACHABLE_CHANNELS or identity in seen:
            continue
        seen.add(identity)
        inserted = db.conn.execute(
            "INSERT INTO outbox (channel, user_ref, body, priority, created_at, notice) "
            "SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM notice_keys k WHERE "
            f"k.channel = ? AND k.user_ref = ? AND k.key = ?) AND (? = '{UNSTOPPABLE}' OR "
            f"{NOT_STOPPED})",
            [
                notice.channel,
                notice.user_ref,
                to_json(notice.body()),
                OUTBOX_BULK,
                created,
                notice.kind,
                *identity,
                notice.kind,
                notice.channel,
                notice.user_ref,
            ],
        ).rowcount
        if inserted > 0:
            queued.append(notice)
    db.conn.executemany(
        "INSERT OR IGNORE INTO notice_keys (channel, user_ref, key, queued_at) VALUES (?, ?, ?, ?)",
        [(n.channel, n.user_ref, n.key, created) for n in queued],
    )
    return queued


def subscribe(db: sqlite_utils.Database, effect: Subscribe, now: datetime) -> None:
    """Add a subscription (once); a user who had said stop receives notices again."""
    db.execute(
        "INSERT OR IGNORE INTO subscriptions (channel, user_ref, topic, value, lang, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?)",
        [
            effect.channel,
            effect.user,
            effect.topic,
            effect.value.casefold(),
            effect.lang,
            now.isoformat(),
        ],
    )
    db.execute(
        "UPDATE subscriptions SET lang = ? WHERE channel = ? AND user_ref = ?",
        [effect.lang, effect.channel, effect.user],
    )
    db.execute(
        "DELETE FROM notice_stops WHERE channel = ? AND user_ref = ?",
        [effect.channel, effect.user],
    )


def stop_notices(db: sqlite_utils.Database, effect: StopNotices, now: datetime) -> None:
    """End every subscription of the user, drop their waiting notices (a warning about
    their plan excepted), remember the stop."""
    who = [effect.channel, effect.user]
    db.execute("DELETE FROM subscriptions WHERE channel = ? AND user_ref = ?", who)
    db.execute(
        "DELETE FROM outbox WHERE channel = ? AND user_ref = ? AND notice IS NOT NULL "
        f"AND notice != '{UNSTOPPABLE}' AND {WAITING}",
        who,
    )
    db.execute("INSERT OR REPLACE INTO notice_stops VALUES (?, ?, ?)", [*who, now.isoformat()])


def forget_unreachable(db: sqlite_utils.Database, channel: str, user: str) -> None:
    """Someone nothing can reach any more: their subscriptions end, their waiting notices go."""
    db.execute("DELETE FROM subscriptions WHERE channel = ? AND user_ref = ?", [channel, user])
    db.execute(
        "DELETE FROM outbox WHERE channel = ? AND user_ref = ? AND notice IS NOT NULL "
        f"AND {WAITING}",
        [channel, user],
    )


def erase_subscriptions(db: sqlite_utils.Database, channel: str, user: str) -> None:
    """ "hapus data": the user's subscriptions, stop and sent keys go (their waiting
    messages go with the rest of their outbox)."""
    for table in ("subscriptions", "notice_stops", "notice_keys"):
        db.execute(f"DELETE FROM {table} WHERE channel = ? AND user_ref = ?", [channel, user])
