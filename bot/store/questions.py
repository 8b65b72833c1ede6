"""Questions the bot could not answer with confidence, kept for content authors."""

from __future__ import annotations

import json
from datetime import datetime

import sqlite_utils

from bot.engine.session import QuestionLog
from bot.records import UnansweredQuestion
from bot.store.database import Database
from bot.store.rows import (
    to_json,
)


class QuestionStore(Database):
    """The unanswered-questions log (no user identifier in it)."""

    async def unanswered(self, since: datetime, limit: int = -1) -> list[UnansweredQuestion]:
        """Unanswered questions asked since `since`, the most recent `limit` (all: -1)."""

        def read(db: sqlite_utils.Database) -> list[UnansweredQuestion]:
            rows = db.execute(
                "SELECT text, lang, offered, chosen, asked_at FROM unanswered_questions "
                "WHERE asked_at >= ? ORDER BY asked_at DESC LIMIT ?",
                [since.isoformat(), limit],
            ).fetchall()
            return [
                UnansweredQuestion(
                    text, lang or "", tuple(json.loads(offered or "[]")), chosen or "", asked_at
                )
                for text, lang, offered, chosen, asked_at in rows
            ]

        return await self._call(read)


def log_questions(db: sqlite_utils.Database, questions: list[QuestionLog]) -> None:
    """A new unanswered question, or what its asker chose afterwards."""
    for question in questions:
        if question.text:
            db.execute(
                "INSERT OR IGNORE INTO unanswered_questions (key, text, lang, offered, asked_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [
                    question.key,
                    question.text,
                    question.lang,
                    to_json(list(question.offered)),
                    question.at.isoformat(),
                ],
            )
        if question.chosen:
            db.execute(
                "UPDATE unanswered_questions SET chosen = ? WHERE key = ? AND chosen IS NULL",
                [question.chosen, question.key],
            )
