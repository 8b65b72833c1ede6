"""The one module that owns SQLite: schema, migrations and every query.

All database work runs on one dedicated writer thread with its own connection
(sqlite-utils' default connection refuses use from other threads), so the
event loop never blocks on disk. Jobs that arrive together are committed in one
transaction (group commit): many users' turns share one fsync, and each
caller's future resolves only after its data is durable.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from bot.engine.session import Session

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_BATCH = 256
BUSY_TIMEOUT_MS = 5000


class StoreError(Exception):
    """The database could not do what was asked (disk full, locked, read-only, corrupt)."""


def _migration_1(db: sqlite_utils.Database) -> None:
    db["sessions"].create(
        {
            "channel": str,
            "user_ref": str,
            "lang": str,
            "node": str,
            "screen": int,
            "stack": str,
            "answers": str,
            "pending": str,
            "updated_at": str,
        },
        pk=("channel", "user_ref"),
    )
    db["sessions"].create_index(["updated_at"])
    db["processed_updates"].create(
        {"channel": str, "update_id": str, "processed_at": str}, pk=("channel", "update_id")
    )
    db["processed_updates"].create_index(["processed_at"])
    db["node_visits"].create(
        {"day": str, "channel": str, "node": str, "count": int}, pk=("day", "channel", "node")
    )


def _migration_2(db: sqlite_utils.Database) -> None:
    db["outbox"].create(
        {
            "id": int,
            "channel": str,
            "user_ref": str,
            "body": str,
            "priority": int,
            "status": str,
            "attempts": int,
            "next_attempt_at": str,
            "last_error": str,
            "created_at": str,
            "sent_at": str,
        },
        pk="id",
        not_null={"channel", "user_ref", "body", "status"},
        defaults={"priority": 0, "status": "pending", "attempts": 0},
    )
    db["outbox"].create_index(["channel", "user_ref", "status", "id"])
    db["outbox"].create_index(["channel", "status", "next_attempt_at"])
    db["inbox"].create(
        {"channel": str, "update_id": str, "payload": str, "received_at": str},
        pk=("channel", "update_id"),
    )


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_migration_1, _migration_2]
OUTBOX_REPLY = 0
OUTBOX_BULK = 1


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One queued message: who it is for and what it says."""

    id: int
    user: str
    body: dict
    attempts: int


@dataclass(frozen=True, slots=True)
class InboxItem:
    """A platform event persisted before it was acknowledged, not yet processed."""

    update_id: str
    payload: str


@dataclass
class _Job:
    function: Callable[[sqlite_utils.Database], Any]
    future: asyncio.Future
    loop: asyncio.AbstractEventLoop


class Store:
    """Sessions, processed update ids and anonymous usage counts in one SQLite file."""

    def __init__(self, path: Path | str, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._open_error: BaseException | None = None

    # ----- lifecycle ----------------------------------------------------------------------

    async def open(self) -> None:
        """Open the database on the writer thread and apply pending migrations."""
        if self.path.parent and str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._thread = threading.Thread(target=self._worker, name="sqlite-writer", daemon=True)
        self._thread.start()
        await asyncio.get_running_loop().run_in_executor(None, self._ready.wait)
        if self._open_error:
            raise StoreError(f"cannot open database {self.path}: {self._open_error}")

    async def close(self) -> None:
        """Finish queued jobs and close the connection."""
        if self._thread:
            self._jobs.put(None)
            await asyncio.get_running_loop().run_in_executor(None, self._thread.join)
            self._thread = None

    def _worker(self) -> None:
        try:
            connection = sqlite3.connect(str(self.path), isolation_level=None)
            connection.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            db = sqlite_utils.Database(connection)
            db.enable_wal()
            connection.execute("PRAGMA synchronous = FULL")
            self._migrate(db)
        except (sqlite3.Error, OSError) as error:
            self._open_error = error
            self._ready.set()
            return
        self._ready.set()
        stop = False
        while not stop:
            batch: list[_Job] = []
            first = self._jobs.get()
            if first is None:
                break
            batch.append(first)
            while len(batch) < MAX_BATCH:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    stop = True
                    break
                batch.append(job)
            self._run_batch(connection, db, batch)
        connection.close()

    def _run_batch(
        self, connection: sqlite3.Connection, db: sqlite_utils.Database, batch: list[_Job]
    ) -> None:
        try:
            connection.execute("BEGIN IMMEDIATE")
            results = [job.function(db) for job in batch]
            connection.execute("COMMIT")
        except Exception as error:
            _rollback(connection)
            if len(batch) > 1:  # find the failing job: run each alone
                for job in batch:
                    self._run_batch(connection, db, [job])
                return
            _resolve(batch[0], error=_as_store_error(error))
            return
        for job, result in zip(batch, results, strict=True):
            _resolve(job, result=result)

    def _migrate(self, db: sqlite_utils.Database) -> None:
        db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
            "applied_at TEXT)"
        )
        done = {row[0] for row in db.execute("SELECT version FROM schema_migrations").fetchall()}
        for version, migration in enumerate(MIGRATIONS, 1):
            if version in done:
                continue
            with db.conn:
                db.execute("BEGIN")
                migration(db)
                db.execute("INSERT INTO schema_migrations VALUES (?, datetime('now'))", [version])
            log.info("database migrated to version %d", version)

    async def _call(self, function: Callable[[sqlite_utils.Database], T]) -> T:
        if self._thread is None:
            raise StoreError("the store is not open")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._jobs.put(_Job(function, future, loop))
        return await future

    # ----- queries ------------------------------------------------------------------------

    async def load_session(self, channel: str, user: str) -> Session | None:
        """The user's session, or None for a user we have not seen (or who erased their data)."""

        def read(db: sqlite_utils.Database) -> Session | None:
            row = db.execute(
                "SELECT lang, node, screen, stack, answers, pending, updated_at FROM sessions "
                "WHERE channel = ? AND user_ref = ?",
                [channel, user],
            ).fetchone()
            if row is None:
                return None
            lang, node, screen, stack, answers, pending, updated_at = row
            return Session(
                lang=lang,
                node=node,
                screen=screen or 0,
                stack=json.loads(stack),
                answers=json.loads(answers),
                pending=pending or "",
                updated_at=datetime.fromisoformat(updated_at) if updated_at else None,
            )

        return await self._call(read)

    async def was_processed(self, channel: str, update_id: str) -> bool:
        """Whether this platform update was already answered."""

        def read(db: sqlite_utils.Database) -> bool:
            return (
                db.execute(
                    "SELECT 1 FROM processed_updates WHERE channel = ? AND update_id = ?",
                    [channel, update_id],
                ).fetchone()
                is not None
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
        outbox: list[dict] | None = None,
    ) -> None:
        """Save one turn atomically: session (or its erasure), update id, visits, queued replies.

        The update id leaves the inbox in the same transaction, so a crash either
        redoes the whole turn or none of it.
        """

        def write(db: sqlite_utils.Database) -> None:
            if session is None:
                db.execute(
                    "DELETE FROM sessions WHERE channel = ? AND user_ref = ?", [channel, user]
                )
            else:
                db.execute(
                    "INSERT INTO sessions (channel, user_ref, lang, node, screen, stack, answers, "
                    "pending, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (channel, user_ref) DO UPDATE SET lang = excluded.lang, "
                    "node = excluded.node, screen = excluded.screen, stack = excluded.stack, "
                    "answers = excluded.answers, pending = excluded.pending, "
                    "updated_at = excluded.updated_at",
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
                    ],
                )
            if update_id:
                db.execute(
                    "INSERT OR IGNORE INTO processed_updates VALUES (?, ?, ?)",
                    [channel, update_id, now.isoformat()],
                )
                db.execute(
                    "DELETE FROM inbox WHERE channel = ? AND update_id = ?", [channel, update_id]
                )
            for body in outbox or []:
                db.execute(
                    "INSERT INTO outbox (channel, user_ref, body, priority, created_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [channel, user, _json(body), OUTBOX_REPLY, now.isoformat()],
                )
            day = now.date().isoformat()
            for node in visits:
                db.execute(
                    "INSERT INTO node_visits VALUES (?, ?, ?, 1) ON CONFLICT (day, "
                    "channel, node) DO UPDATE SET count = count + 1",
                    [day, channel, node],
                )

        await self._call(write)

    async def enqueue(
        self,
        channel: str,
        user: str,
        bodies: list[dict],
        now: datetime,
        priority: int = OUTBOX_BULK,
    ) -> None:
        """Queue messages that are not a reply to a turn (alerts, relays, broadcasts)."""

        def write(db: sqlite_utils.Database) -> None:
            db.executemany(
                "INSERT INTO outbox (channel, user_ref, body, priority, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [(channel, user, _json(body), priority, now.isoformat()) for body in bodies],
            )

        await self._call(write)

    async def due_outbox(self, channel: str, now: datetime, limit: int) -> list[OutboxItem]:
        """The oldest pending message of each user whose time has come; replies first.

        A user's later messages wait behind their oldest one, so each user gets
        their messages in order, while one slow user never holds up the others.
        """

        def read(db: sqlite_utils.Database) -> list[OutboxItem]:
            rows = db.execute(
                "SELECT o.id, o.user_ref, o.body, o.attempts FROM outbox o WHERE o.channel = ? "
                "AND o.status = 'pending' AND (o.next_attempt_at IS NULL OR "
                "o.next_attempt_at <= ?) AND o.id = (SELECT MIN(p.id) FROM outbox p WHERE "
                "p.channel = o.channel AND p.user_ref = o.user_ref AND p.status = 'pending') "
                "ORDER BY o.priority, o.id LIMIT ?",
                [channel, now.isoformat(), limit],
            ).fetchall()
            return [OutboxItem(row[0], row[1], json.loads(row[2]), row[3]) for row in rows]

        return await self._call(read)

    async def next_outbox_time(self, channel: str) -> datetime | None:
        """When the earliest pending message becomes due (None: nothing pending)."""

        def read(db: sqlite_utils.Database) -> datetime | None:
            row = db.execute(
                "SELECT MIN(COALESCE(next_attempt_at, created_at)) FROM outbox "
                "WHERE channel = ? AND status = 'pending'",
                [channel],
            ).fetchone()
            return datetime.fromisoformat(row[0]) if row and row[0] else None

        return await self._call(read)

    async def outbox_sent(self, item_id: int, now: datetime) -> None:
        """Mark a message delivered."""
        await self._call(
            lambda db: db.execute(
                "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, body = "
                "CASE WHEN priority = 0 THEN '{}' ELSE body END WHERE id = ?",
                [now.isoformat(), item_id],
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
        await self._call(
            lambda db: db.execute(
                "UPDATE outbox SET status = 'dead', attempts = attempts + 1, last_error = ? "
                "WHERE id = ?",
                [error[:500], item_id],
            )
        )

    async def inbox_put(self, channel: str, update_id: str, payload: str, now: datetime) -> bool:
        """Persist a platform event before acknowledging it; False if it was seen before."""

        def write(db: sqlite_utils.Database) -> bool:
            if db.execute(
                "SELECT 1 FROM processed_updates WHERE channel = ? AND update_id = ?",
                [channel, update_id],
            ).fetchone():
                return False
            return (
                db.execute(
                    "INSERT OR IGNORE INTO inbox VALUES (?, ?, ?, ?)",
                    [channel, update_id, payload, now.isoformat()],
                ).rowcount
                == 1
            )

        return await self._call(write)

    async def inbox_pending(self, channel: str) -> list[InboxItem]:
        """Events persisted but not yet processed (after a crash), oldest first."""

        def read(db: sqlite_utils.Database) -> list[InboxItem]:
            rows = db.execute(
                "SELECT update_id, payload FROM inbox WHERE channel = ? "
                "ORDER BY received_at, rowid",
                [channel],
            ).fetchall()
            return [InboxItem(row[0], row[1]) for row in rows]

        return await self._call(read)

    async def inbox_drop(self, channel: str, update_id: str) -> None:
        """Forget a persisted event that needs no processing (e.g. a status notice)."""
        await self._call(
            lambda db: db.execute(
                "DELETE FROM inbox WHERE channel = ? AND update_id = ?", [channel, update_id]
            )
        )

    async def prune(self, now: datetime, session_days: int, update_days: int = 7) -> int:
        """Erase sessions idle longer than `session_days` and old processed ids; count erased."""

        def write(db: sqlite_utils.Database) -> int:
            session_cutoff = (now - timedelta(days=session_days)).isoformat()
            update_cutoff = (now - timedelta(days=update_days)).isoformat()
            erased = db.execute(
                "DELETE FROM sessions WHERE updated_at < ?", [session_cutoff]
            ).rowcount
            db.execute("DELETE FROM processed_updates WHERE processed_at < ?", [update_cutoff])
            db.execute("DELETE FROM outbox WHERE status = 'sent' AND sent_at < ?", [update_cutoff])
            return erased

        return await self._call(write)

    async def healthy(self) -> bool:
        """True when the database answers a query."""
        try:
            await asyncio.wait_for(self._call(lambda db: db.execute("SELECT 1").fetchone()), 5)
        except (StoreError, TimeoutError):
            return False
        return True


def _json(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _as_store_error(error: BaseException) -> StoreError:
    if isinstance(error, StoreError):
        return error
    store_error = StoreError(f"{type(error).__name__}: {error}")
    store_error.__cause__ = error
    return store_error


def _rollback(connection: sqlite3.Connection) -> None:
    with contextlib.suppress(sqlite3.Error):
        connection.execute("ROLLBACK")


def _resolve(job: _Job, result: Any = None, error: BaseException | None = None) -> None:
    def settle() -> None:
        if job.future.done():
            return
        if error is not None:
            job.future.set_exception(error)
        else:
            job.future.set_result(result)

    with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting any more
        job.loop.call_soon_threadsafe(settle)
