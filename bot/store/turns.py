"""Dialog turns: what a turn starts from, and its commit in one transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

from bot.effects import Effect
from bot.engine.session import Offered, QuestionLog, Session
from bot.records import Envelope
from bot.store.contacts import WHATSAPP
from bot.store.database import Database
from bot.store.effects import apply_effects, with_report_number
from bot.store.questions import log_questions
from bot.store.registrations import erase_registration
from bot.store.retention import erase_reports
from bot.store.rows import (
    finish_update,
    is_processed,
    queue_envelopes,
    to_json,
)
from bot.store.subscriptions import erase_subscriptions


@dataclass(frozen=True, slots=True)
class Committed:
    """What a committed turn leaves to its caller: photo files of erased data to delete, and
    the number of the report it filed ("" if none)."""

    erased: list[str]
    report: str
    new_report: bool = False


@dataclass(frozen=True, slots=True)
class TurnStart:
    """What a turn starts from: answered already?, the session, an officer relay's report."""

    processed: bool
    session: Session | None = None
    relay: str | None = None


class TurnStore(Database):
    """Sessions, answered updates and usage counts."""

    async def load_session(self, channel: str, user: str) -> Session | None:
        """The user's session, or None for a user we have not seen (or who erased their data)."""
        return await self._call(lambda db: read_session(db, channel, user))

    async def begin_turn(self, channel: str, user: str, update_id: str) -> TurnStart:
        """What a turn starts from, in one round trip: whether the update was answered
        already, the user's session, and the report whose officer is talking with them."""

        def read(db: sqlite_utils.Database) -> TurnStart:
            if update_id and is_processed(db, channel, update_id):
                return TurnStart(processed=True)
            return TurnStart(
                processed=False,
                session=read_session(db, channel, user),
                relay=_relay(db, channel, user),
            )

        return await self._call(read)

    async def commit_turn(
        self,
        channel: str,
        user: str,
        session: Session | None,
        update_id: str,
        visits: list[str],
        now: datetime,
        outbox: list[dict[str, Any]] | None = None,
        questions: list[QuestionLog] | None = None,
        effects: list[Effect] | None = None,
    ) -> Committed:
        """Save one turn atomically: its effects (a report filed, messages for officers),
        the session (or its erasure), update id, visits, queued replies, and the questions
        it could not answer (kept without any user identifier).

        The update id leaves the inbox in the same transaction, so a crash either
        redoes the whole turn or none of it. Erasing a session also erases the
        user's personal data from their reports (the facts stay for the officers)
        and returns the paths of their photos, for the caller to delete.
        """

        def write(db: sqlite_utils.Database) -> Committed:
            filed = apply_effects(db, effects or [], now)
            report = filed.report
            erased: list[str] = []
            if session is None:
                db.execute(
                    "DELETE FROM sessions WHERE channel = ? AND user_ref = ?", [channel, user]
                )
                db.execute("DELETE FROM relays WHERE channel = ? AND user_ref = ?", [channel, user])
                db.execute(  # what still waits for them too (an officer's question): only
                    "DELETE FROM outbox WHERE channel = ? AND user_ref = ?",  # the "deleted"
                    [channel, user],  # reply of this turn, queued below, goes out
                )
                erase_subscriptions(db, channel, user)
                if channel == WHATSAPP:  # forgotten once the "deleted" reply is sent
                    db.execute("UPDATE whatsapp_users SET erased = 1 WHERE user_ref = ?", [user])
                ids = [
                    row[0]
                    for row in db.execute(
                        "SELECT id FROM reports WHERE channel = ? AND user_ref = ?", [channel, user]
                    )
                ]
                erased = erase_reports(db, ids, now)
                erase_registration(db, channel, user)
            else:
                db.execute(
                    "INSERT INTO sessions (channel, user_ref, lang, node, screen, stack, answers, "
                    "pending, updated_at, choices, memory) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (channel, user_ref) DO UPDATE SET lang = excluded.lang, "
                    "node = excluded.node, screen = excluded.screen, stack = excluded.stack, "
                    "answers = excluded.answers, pending = excluded.pending, "
                    "updated_at = excluded.updated_at, choices = excluded.choices, "
                    "memory = excluded.memory",
                    [
                        channel,
                        user,
                        session.lang,
                        session.node,
                        session.screen,
                        json.dumps(session.stack, separators=(",", ":")),
                        json.dumps(session.answers, separators=(",", ":"), ensure_ascii=False),
                        session.pending,
                        now.isoformat(),
                        to_json(session.offered.to_dict()) if session.offered else None,
                        to_json(memory) if (memory := session.memory()) else None,
                    ],
                )
            finish_update(db, channel, update_id, now)
            log_questions(db, questions or [])
            replies = [Envelope(channel, user, body) for body in outbox or []]
            queue_envelopes(db, with_report_number(replies, report), now)
            day = now.date().isoformat()
            for node in visits:
                db.execute(
                    "INSERT INTO node_visits VALUES (?, ?, ?, 1) ON CONFLICT (day, "
                    "channel, node) DO UPDATE SET count = count + 1",
                    [day, channel, node],
                )
            return Committed(erased, report, filed.new)

        return await self._call(write, checkpoint=session is None)

    async def commit_effects(
        self, channel: str, update_id: str, now: datetime, effects: list[Effect]
    ) -> str:
        """Save a turn that has no dialog session (an officer's action) atomically: its
        effects and the answered update id; returns the number of a report it filed ("").
        Raises `Conflict` when a change finds the report changed meanwhile; then nothing was
        written."""

        def write(db: sqlite_utils.Database) -> str:
            if update_id and is_processed(db, channel, update_id):
                return ""  # delivered twice: done already
            filed = apply_effects(db, effects, now)
            finish_update(db, channel, update_id, now)
            return filed.report

        return await self._call(write)

    async def skip_update(
        self, channel: str, user: str, update_id: str, now: datetime, outbox: list[dict[str, Any]]
    ) -> None:
        """Count an update as answered without a dialog turn (a flood drop); queue `outbox`."""

        def write(db: sqlite_utils.Database) -> None:
            finish_update(db, channel, update_id, now)
            queue_envelopes(db, [Envelope(channel, user, body) for body in outbox], now)

        return await self._call(write)


def read_session(db: sqlite_utils.Database, channel: str, user: str) -> Session | None:
    row = db.execute(
        "SELECT lang, node, screen, stack, answers, pending, updated_at, choices, memory "
        "FROM sessions WHERE channel = ? AND user_ref = ?",
        [channel, user],
    ).fetchone()
    if row is None:
        return None
    lang, node, screen, stack, answers, pending, updated_at, choices, memory = row
    remembered = json.loads(memory) if memory else {}
    return Session(
        lang=lang,
        node=node,
        screen=screen or 0,
        stack=json.loads(stack),
        answers=json.loads(answers),
        pending=pending or "",
        updated_at=datetime.fromisoformat(updated_at) if updated_at else None,
        offered=Offered.from_dict(json.loads(choices)) if choices else None,
        question=remembered.get("question"),
        drafts=remembered.get("drafts") or {},
    )


def _relay(db: sqlite_utils.Database, channel: str, user: str) -> str | None:
    row = db.execute(
        "SELECT report_ref FROM relays WHERE channel = ? AND user_ref = ?", [channel, user]
    ).fetchone()
    return row[0] if row else None
