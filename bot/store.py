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


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_migration_1]


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
    ) -> None:
        """Save the outcome of one turn atomically: session (or its erasure), update id, visits."""

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
            day = now.date().isoformat()
            for node in visits:
                db.execute(
                    "INSERT INTO node_visits VALUES (?, ?, ?, 1) ON CONFLICT (day, "
                    "channel, node) DO UPDATE SET count = count + 1",
                    [day, channel, node],
                )

        await self._call(write)

    async def prune(self, now: datetime, session_days: int, update_days: int = 7) -> int:
        """Erase sessions idle longer than `session_days` and old processed ids; count erased."""

        def write(db: sqlite_utils.Database) -> int:
            session_cutoff = (now - timedelta(days=session_days)).isoformat()
            update_cutoff = (now - timedelta(days=update_days)).isoformat()
            erased = db.execute(
                "DELETE FROM sessions WHERE updated_at < ?", [session_cutoff]
            ).rowcount
            db.execute("DELETE FROM processed_updates WHERE processed_at < ?", [update_cutoff])
            return erased

        return await self._call(write)

    async def healthy(self) -> bool:
        """True when the database answers a query."""
        try:
            await asyncio.wait_for(self._call(lambda db: db.execute("SELECT 1").fetchone()), 5)
        except (StoreError, TimeoutError):
            return False
        return True


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
